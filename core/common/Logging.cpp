#include "core/common/Logging.h"

namespace obslab {
Q_LOGGING_CATEGORY(lcProcess, "obslab.process", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKube, "obslab.kube", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLogs, "obslab.logs", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTracing, "obslab.tracing", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLab, "obslab.lab", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDoctor, "obslab.doctor", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCli, "obslab.cli", QtInfoMsg)
Q_LOGGING_CATEGORY(lcGui, "obslab.gui", QtInfoMsg)
}  // namespace obslab
