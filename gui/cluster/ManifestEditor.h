#pragma once

#include "core/manifest/Manifest.h"
#include "gui/cluster/ClusterActions.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QTabWidget;
class QTimer;
class QToolButton;
class QTreeWidget;

namespace obslab {

class ClusterContext;
class CodeEditor;
struct CommandResult;

// The manifest editor: multi-document YAML validated as you type (debounced, parsed on a worker
// thread), problems marked in the margin and listed with line:column, the resources it holds,
// and Diff / Apply / Delete through kubectl with the text on stdin (each shows its command first
// and follows the context-safety rules). Open, save and recent files. GUI thread.
class ManifestEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ManifestEditor(ClusterContext* context, QWidget* parent = nullptr);

    void setConfirmer(ClusterActions::Confirmer confirmer) { confirm_ = std::move(confirmer); }

    CodeEditor* editor() const { return editor_; }
    QTreeWidget* problemsView() const { return problems_; }
    QTreeWidget* resourcesView() const { return resources_; }
    QTreeWidget* resultsView() const { return results_; }
    QPlainTextEdit* diffView() const { return diff_; }
    QLineEdit* commandLine() const { return command_; }
    QLabel* statusLabel() const { return status_; }
    // The Open button's menu: recent files and the built-in labs' manifests (filled on show).
    QMenu* openMenu() const { return recentMenu_; }
    const ManifestParse& lastParse() const { return parse_; }
    QString currentFile() const { return file_; }
    bool isBusy() const { return !running_.isNull(); }

public Q_SLOTS:
    // A path to a readable file opens it; anything else is taken as manifest text.
    void openManifest(const QString& pathOrText);
    bool openFile(const QString& path);
    void setText(const QString& text);
    bool save();
    bool saveAs(const QString& path = {});
    void diff();
    void apply();
    void deleteResources();

Q_SIGNALS:
    void validated();  // lastParse() is up to date with the text
    void actionFinished(const QString& action, bool ok);
    void fileChanged(const QString& path);

private:
    enum class Action
    {
        None,
        Diff,
        Apply,
        Delete
    };
    void scheduleValidation();
    void validateNow();
    void onParsed(const ManifestParse& parse, quint64 generation);
    void run(Action action);
    void onFinished(Action action, const CommandResult& result);
    void updateActions();
    void showStatus(const QString& text, bool error);
    void addRecent(const QString& path);
    void fillRecentMenu();
    QString actionName(Action action) const;

    QPointer<ClusterContext> context_;
    ClusterActions::Confirmer confirm_;
    CodeEditor* editor_ = nullptr;
    QTreeWidget* problems_ = nullptr;
    QTreeWidget* resources_ = nullptr;
    QTreeWidget* results_ = nullptr;
    QPlainTextEdit* diff_ = nullptr;
    QTabWidget* side_ = nullptr;
    QLineEdit* command_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* summary_ = nullptr;
    QToolButton* diffButton_ = nullptr;
    QToolButton* applyButton_ = nullptr;
    QToolButton* deleteButton_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QTimer* debounce_ = nullptr;
    ManifestParse parse_;
    quint64 generation_ = 0;
    quint64 parsedGeneration_ = 0;
    Action pending_ = Action::None;  // clicked while a validation was still running
    QPointer<QObject> running_;
    QString file_;
};

}  // namespace obslab
