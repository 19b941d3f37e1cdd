#include "core/tracing/JaegerReply.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

JaegerReply::JaegerReply(QObject* parent)
    : QObject(parent)
{}

void JaegerReply::abort()
{
    fail(Status::Cancelled, {u"Cancelled."_s, {}});
}

void JaegerReply::succeed()
{
    if (isFinished())
        return;
    status_ = Status::Ok;
    Q_EMIT finished();
}

void JaegerReply::fail(Status status, Error error)
{
    if (isFinished())
        return;
    status_ = status;
    error_ = std::move(error);
    Q_EMIT finished();
}

}  // namespace obslab
