#include "gui/logs/FilterBar.h"

#include "core/common/AppSettings.h"
#include "gui/widgets/Icons.h"
#include "gui/widgets/Tone.h"

#include <QCompleter>
#include <QCoreApplication>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QInputMethodEvent>
#include <QLabel>
#include <QMenu>
#include <QRegularExpression>
#include <QSettings>
#include <QStringListModel>
#include <QTextCharFormat>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

constexpr int kHistoryLimit = 30;
const QString kHistoryKey = u"logs/filterHistory"_s;
const QString kSavedKey = u"logs/savedFilters"_s;

const QStringList& knownKeys()
{
    static const QStringList keys{u"trace"_s, u"req"_s,    u"status"_s, u"flag"_s,  u"pod"_s,
                                  u"svc"_s,   u"method"_s, u"path"_s,   u"since"_s, u"until"_s};
    return keys;
}

}  // namespace

QueryEdit::QueryEdit(QWidget* parent)
    : QLineEdit(parent)
{
    setObjectName(u"logFilter"_s);
    setClearButtonEnabled(true);
    setPlaceholderText(
        tr("Filter: status:5xx  pod:reviews-*  dur>100ms  trace:ID  flag:UF  -method:GET  /regex/  "
           "text"));
    connect(this, &QLineEdit::textChanged, this, [this] {
        errorPos_ = -1;
        restyle();
    });
}

QList<QueryEdit::Token> QueryEdit::tokenize(const QString& s)
{
    QList<Token> out;
    int i = 0;
    const int n = int(s.size());
    while (i < n) {
        const QChar c = s.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        if (c == u'(' || c == u')') {
            out.append({Token::Operator, i, 1});
            ++i;
            continue;
        }
        if (c == u'-' && (i == 0 || s.at(i - 1).isSpace() || s.at(i - 1) == u'(')) {
            out.append({Token::Negation, i, 1});
            ++i;
            continue;
        }
        if (c == u'/') {
            int j = i + 1;
            while (j < n && !(s.at(j) == u'/' && s.at(j - 1) != u'\\'))
                ++j;
            out.append({Token::Regex, i, std::min(n, j + 1) - i});
            i = j + 1;
            continue;
        }
        if (c == u'"') {
            int j = i + 1;
            while (j < n && s.at(j) != u'"')
                j += s.at(j) == u'\\' ? 2 : 1;
            out.append({Token::Phrase, i, std::min(n, j + 1) - i});
            i = j + 1;
            continue;
        }
        int j = i;
        while (j < n && !s.at(j).isSpace() && s.at(j) != u')')
            ++j;
        const QString word = s.mid(i, j - i);
        if (word == u"OR" || word == u"AND") {
            out.append({Token::Operator, i, j - i});
        } else {
            const qsizetype colon = word.indexOf(u':');
            static const QRegularExpression dur(u"^dur(<=|>=|<|>|=)"_s);
            const auto m = dur.match(word);
            if (colon > 0 && knownKeys().contains(word.left(colon))) {
                out.append({Token::Key, i, int(colon) + 1});
                // A quoted value runs to its closing quote.
                int vEnd = j;
                if (i + colon + 1 < n && s.at(i + int(colon) + 1) == u'"') {
                    vEnd = i + int(colon) + 2;
                    while (vEnd < n && s.at(vEnd) != u'"')
                        ++vEnd;
                    vEnd = std::min(n, vEnd + 1);
                    j = vEnd;
                }
                if (vEnd > i + colon + 1)
                    out.append({Token::Value, i + int(colon) + 1, vEnd - i - int(colon) - 1});
            } else if (m.hasMatch()) {
                out.append({Token::Key, i, int(m.capturedLength())});
                if (j - i > m.capturedLength())
                    out.append({Token::Value, i + int(m.capturedLength()),
                                j - i - int(m.capturedLength())});
            } else {
                out.append({Token::Word, i, j - i});
            }
        }
        i = j;
    }
    return out;
}

void QueryEdit::setErrorPosition(int position)
{
    errorPos_ = position;
    restyle();
}

void QueryEdit::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        restyle();
    QLineEdit::changeEvent(event);
}

void QueryEdit::restyle()
{
    // QLineEdit has no syntax highlighter; pre-edit attributes with no pre-edit text colour the
    // committed text (their start is relative to the cursor).
    const QPalette pal = palette();
    const bool dark = isDarkPalette(pal);
    const QString s = text();
    QList<QInputMethodEvent::Attribute> attributes;
    auto add = [&](int start, int length, const QTextCharFormat& f) {
        attributes.append(QInputMethodEvent::Attribute(QInputMethodEvent::TextFormat,
                                                       start - cursorPosition(), length, f));
    };
    for (const Token& t : tokenize(s)) {
        QTextCharFormat f;
        switch (t.kind) {
        case Token::Key:
            f.setForeground(toneAccent(Tone::Info, pal));
            f.setFontWeight(QFont::DemiBold);
            break;
        case Token::Value:
            f.setForeground(dark ? QColor(0xd7, 0xba, 0x7d) : QColor(0x8a, 0x5a, 0x00));
            break;
        case Token::Operator:
            f.setForeground(dark ? QColor(0xc5, 0x86, 0xc0) : QColor(0x8e, 0x24, 0xaa));
            f.setFontWeight(QFont::Bold);
            break;
        case Token::Negation:
            f.setForeground(toneAccent(Tone::Danger, pal));
            f.setFontWeight(QFont::Bold);
            break;
        case Token::Regex:
            f.setForeground(toneAccent(Tone::Good, pal));
            break;
        case Token::Phrase:
            f.setForeground(dark ? QColor(0xce, 0x91, 0x78) : QColor(0xa3, 0x15, 0x15));
            break;
        case Token::Word:
            continue;
        }
        add(t.start, t.length, f);
    }
    if (errorPos_ >= 0) {
        int end = errorPos_;
        while (end < s.size() && !s.at(end).isSpace())
            ++end;
        QTextCharFormat f;
        f.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        f.setUnderlineColor(toneAccent(Tone::Danger, pal));
        f.setBackground(toneBackground(Tone::Danger, pal));
        add(errorPos_, std::max(1, end - errorPos_), f);
    }
    QInputMethodEvent event(QString(), attributes);
    QCoreApplication::sendEvent(this, &event);
}

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent)
    , edit_(new QueryEdit(this))
    , filterMode_(new QToolButton(this))
    , highlightMode_(new QToolButton(this))
    , prev_(new QToolButton(this))
    , next_(new QToolButton(this))
    , menuButton_(new QToolButton(this))
    , status_(new QLabel(this))
    , error_(new QLabel(this))
    , completions_(new QStringListModel(this))
{
    setObjectName(u"filterBar"_s);
    filterMode_->setText(tr("Filter"));
    filterMode_->setObjectName(u"filterModeFilter"_s);
    filterMode_->setToolTip(tr("Show only the lines that match"));
    highlightMode_->setText(tr("Highlight"));
    highlightMode_->setObjectName(u"filterModeHighlight"_s);
    highlightMode_->setToolTip(
        tr("Keep every line and mark the matches; F3 / Shift+F3 jump between them"));
    for (QToolButton* b : {filterMode_, highlightMode_}) {
        b->setCheckable(true);
        b->setAutoRaise(true);
    }
    filterMode_->setChecked(true);
    connect(filterMode_, &QToolButton::clicked, this, [this] { setMode(Mode::Filter); });
    connect(highlightMode_, &QToolButton::clicked, this, [this] { setMode(Mode::Highlight); });
    prev_->setText(u"▲"_s);
    prev_->setToolTip(tr("Previous match (Shift+F3)"));
    next_->setText(u"▼"_s);
    next_->setToolTip(tr("Next match (F3)"));
    prev_->setAutoRaise(true);
    next_->setAutoRaise(true);
    connect(prev_, &QToolButton::clicked, this, &FilterBar::previousRequested);
    connect(next_, &QToolButton::clicked, this, &FilterBar::nextRequested);
    menuButton_->setText(u"★"_s);
    menuButton_->setObjectName(u"filterMenu"_s);
    menuButton_->setToolTip(tr("Recent and saved filters"));
    menuButton_->setPopupMode(QToolButton::InstantPopup);
    menuButton_->setAutoRaise(true);
    menuButton_->setMenu(new QMenu(menuButton_));
    connect(menuButton_->menu(), &QMenu::aboutToShow, this, &FilterBar::rebuildMenu);
    status_->setObjectName(u"filterStatus"_s);
    status_->setMinimumWidth(fontMetrics().horizontalAdvance(u"0,000,000 matches"_s));
    error_->setObjectName(u"filterError"_s);
    error_->setWordWrap(true);
    error_->hide();

    auto* completer = new QCompleter(completions_, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    edit_->setCompleter(completer);

    debounce_.setSingleShot(true);
    debounce_.setInterval(250);
    connect(&debounce_, &QTimer::timeout, this, &FilterBar::apply);
    connect(edit_, &QLineEdit::textEdited, this, [this] { debounce_.start(); });
    connect(edit_, &QLineEdit::returnPressed, this, [this] {
        applyNow();
        remember(edit_->text().trimmed());
    });
    // The clear button does not emit textEdited.
    connect(edit_, &QLineEdit::textChanged, this, [this](const QString& t) {
        if (t.isEmpty())
            debounce_.start();
    });

    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    row->addWidget(filterMode_);
    row->addWidget(highlightMode_);
    row->addWidget(edit_, 1);
    row->addWidget(menuButton_);
    row->addWidget(prev_);
    row->addWidget(next_);
    row->addWidget(status_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(error_);
}

void FilterBar::setSettings(AppSettings* settings)
{
    settings_ = settings;
    if (settings_) {
        history_ = settings_->raw().value(kHistoryKey).toStringList();
        saved_ = settings_->raw().value(kSavedKey).toStringList();
    }
    completions_->setStringList(saved_ + history_);
}

QString FilterBar::text() const
{
    return edit_->text();
}

void FilterBar::setText(const QString& text)
{
    edit_->setText(text);
    applyNow();
    remember(text.trimmed());
}

void FilterBar::applyNow()
{
    debounce_.stop();
    apply();
}

void FilterBar::setMode(Mode mode)
{
    filterMode_->setChecked(mode == Mode::Filter);
    highlightMode_->setChecked(mode == Mode::Highlight);
    if (mode_ == mode)
        return;
    mode_ = mode;
    Q_EMIT modeChanged(mode);
}

void FilterBar::setStatus(const QString& text)
{
    status_->setText(text);
}

QString FilterBar::status() const
{
    return status_->text();
}

QString FilterBar::errorText() const
{
    return error_->isHidden() ? QString() : error_->text();
}

void FilterBar::apply()
{
    const QString text = edit_->text();
    const auto parsed = LogQuery::parse(text, QDateTime::currentMSecsSinceEpoch());
    if (!parsed) {
        // "position 8: …" → underline from character 8.
        static const QRegularExpression re(u"^position (\\d+):"_s);
        const auto m = re.match(parsed.error().message);
        edit_->setErrorPosition(m.hasMatch() ? m.captured(1).toInt() - 1 : -1);
        QString message = parsed.error().message;
        if (!parsed.error().hint.isEmpty())
            message += u" — "_s + parsed.error().hint;
        error_->setText(u"<span style=\"color:%1\">⚠ %2</span>"_s.arg(
            toneAccent(Tone::Danger, palette()).name(), message.toHtmlEscaped()));
        error_->show();
        return;
    }
    edit_->setErrorPosition(-1);
    error_->hide();
    if (hasApplied_ && applied_ == text.trimmed())
        return;
    hasApplied_ = true;
    applied_ = text.trimmed();
    Q_EMIT queryApplied(parsed.value());
}

void FilterBar::remember(const QString& text)
{
    if (text.isEmpty())
        return;
    history_.removeAll(text);
    history_.prepend(text);
    while (history_.size() > kHistoryLimit)
        history_.removeLast();
    persist();
}

void FilterBar::saveCurrent()
{
    const QString text = edit_->text().trimmed();
    if (text.isEmpty() || saved_.contains(text))
        return;
    saved_.append(text);
    persist();
}

void FilterBar::persist()
{
    completions_->setStringList(saved_ + history_);
    if (!settings_)
        return;
    settings_->raw().setValue(kHistoryKey, history_);
    settings_->raw().setValue(kSavedKey, saved_);
}

void FilterBar::rebuildMenu()
{
    QMenu* menu = menuButton_->menu();
    menu->clear();
    QAction* save = menu->addAction(tr("Save This Filter"), this, &FilterBar::saveCurrent);
    save->setEnabled(!edit_->text().trimmed().isEmpty() &&
                     !saved_.contains(edit_->text().trimmed()));
    menu->addSection(tr("Saved filters"));
    if (saved_.isEmpty())
        menu->addAction(tr("None yet — type a filter and save it"))->setEnabled(false);
    for (const QString& s : std::as_const(saved_))
        menu->addAction(u"★  "_s + s, this, [this, s] { setText(s); });
    if (!saved_.isEmpty()) {
        QMenu* remove = menu->addMenu(tr("Remove a Saved Filter"));
        for (const QString& s : std::as_const(saved_)) {
            remove->addAction(s, this, [this, s] {
                saved_.removeAll(s);
                persist();
            });
        }
    }
    menu->addSection(tr("Recent"));
    if (history_.isEmpty())
        menu->addAction(tr("No filters used yet"))->setEnabled(false);
    for (const QString& h : std::as_const(history_))
        menu->addAction(h, this, [this, h] { setText(h); });
    menu->addSeparator();
    menu->addAction(tr("Filter Language Help"), this, [this] {
        error_->setText(
            tr("<b>Filter language</b>: <code>status:5xx</code> <code>status:&gt;=400</code> "
               "<code>flag:UF</code> <code>pod:reviews-*</code> <code>svc:ratings</code> "
               "<code>method:POST</code> <code>path:/api/*</code> <code>dur&gt;100ms</code> "
               "<code>trace:ID</code> <code>req:ID</code> <code>since:15m</code> "
               "<code>until:2025-11-11T10:00:00Z</code> <code>/regex/</code> <code>\"a "
               "phrase\"</code> "
               "words; terms are ANDed, <code>OR</code>, <code>-term</code> and parentheses "
               "combine them."));
        error_->show();
    });
}

}  // namespace obslab
