#pragma once

#include "core/logs/LogQuery.h"

#include <QLineEdit>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QToolButton;
class QStringListModel;

namespace obslab {

class AppSettings;

// A one-line editor for the filter language with the syntax coloured (keys, operators, regexes,
// quoted phrases) and a parse error underlined where it is.
class QueryEdit : public QLineEdit
{
    Q_OBJECT
public:
    explicit QueryEdit(QWidget* parent = nullptr);
    // -1 clears the error mark; position is 0-based.
    void setErrorPosition(int position);
    int errorPosition() const { return errorPos_; }

    struct Token
    {
        enum Kind
        {
            Key,
            Value,
            Operator,
            Negation,
            Regex,
            Phrase,
            Word
        };
        Kind kind;
        int start;
        int length;
    };
    static QList<Token> tokenize(const QString& text);

protected:
    void changeEvent(QEvent* event) override;

private:
    void restyle();
    int errorPos_ = -1;
};

// The filter bar: the query editor, filter / highlight mode, previous / next match, history and
// saved filters (kept with AppSettings), the match count, and the error in words.
// A query is applied (queryApplied) a moment after typing stops, or at once on Enter.
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    enum class Mode
    {
        Filter,
        Highlight
    };

    explicit FilterBar(QWidget* parent = nullptr);

    void setSettings(AppSettings* settings);
    QueryEdit* edit() const { return edit_; }
    QString text() const;
    void setText(const QString& text);  // applies it at once
    Mode mode() const { return mode_; }
    void setMode(Mode mode);
    void setStatus(const QString& text);
    QString status() const;
    QString errorText() const;
    QStringList history() const { return history_; }
    QStringList savedFilters() const { return saved_; }
    void saveCurrent();
    void applyNow();

Q_SIGNALS:
    void queryApplied(const obslab::LogQuery& query);  // valid; empty = no filter
    void modeChanged(obslab::FilterBar::Mode mode);
    void nextRequested();
    void previousRequested();

private:
    void apply();
    void remember(const QString& text);
    void rebuildMenu();
    void persist();

    QPointer<AppSettings> settings_;
    QueryEdit* edit_ = nullptr;
    QToolButton* filterMode_ = nullptr;
    QToolButton* highlightMode_ = nullptr;
    QToolButton* prev_ = nullptr;
    QToolButton* next_ = nullptr;
    QToolButton* menuButton_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* error_ = nullptr;
    QStringListModel* completions_ = nullptr;
    QTimer debounce_;
    Mode mode_ = Mode::Filter;
    QStringList history_;
    QStringList saved_;
    QString applied_;
    bool hasApplied_ = false;
};

}  // namespace obslab
