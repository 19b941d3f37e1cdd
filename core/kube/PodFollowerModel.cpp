#include "core/kube/PodFollowerModel.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

PodFollowerModel::PodFollowerModel(PodFollower* follower, QObject* parent)
    : QAbstractListModel(parent)
    , follower_(follower)
{
    if (!follower_)
        return;
    pods_ = follower_->pods();
    connect(follower_, &PodFollower::podAppeared, this, &PodFollowerModel::refresh);
    connect(follower_, &PodFollower::podStateChanged, this, &PodFollowerModel::refresh);
    connect(follower_, &PodFollower::warning, this, &PodFollowerModel::refresh);
    // Line counts change with every batch: one dataChanged for all rows per batch.
    connect(follower_, &PodFollower::linesReady, this, &PodFollowerModel::refresh);
}

QString PodFollowerModel::stateName(PodFollower::PodState state)
{
    switch (state) {
    case PodFollower::PodState::Waiting:
        return u"waiting"_s;
    case PodFollower::PodState::Queued:
        return u"queued"_s;
    case PodFollower::PodState::Following:
        return u"following"_s;
    case PodFollower::PodState::Reconnecting:
        return u"reconnecting"_s;
    case PodFollower::PodState::Ended:
        return u"ended"_s;
    }
    return {};
}

void PodFollowerModel::refresh()
{
    if (!follower_)
        return;
    const QList<PodFollower::PodStatus> now = follower_->pods();
    // Pods are added at the end (a pod reusing an ended pod's name moves there: rows change).
    if (now.size() > pods_.size()) {
        beginInsertRows({}, int(pods_.size()), int(now.size()) - 1);
        for (qsizetype i = pods_.size(); i < now.size(); ++i)
            pods_ << now.at(i);
        endInsertRows();
    }
    int first = -1, last = -1;
    for (qsizetype i = 0; i < pods_.size() && i < now.size(); ++i) {
        const auto& a = pods_.at(i);
        const auto& b = now.at(i);
        if (a.pod != b.pod || a.state != b.state || a.message != b.message || a.lines != b.lines ||
            a.reconnects != b.reconnects) {
            pods_[i] = b;
            if (first < 0)
                first = int(i);
            last = int(i);
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first), index(last));
}

int PodFollowerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(pods_.size());
}

QVariant PodFollowerModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.column() != 0 || index.row() >= pods_.size())
        return {};
    const auto& pod = pods_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return pod.pod;
    case Qt::ToolTipRole:
        return pod.message.isEmpty() ? stateName(pod.state)
                                     : stateName(pod.state) + u": "_s + pod.message;
    case StateRole:
        return QVariant::fromValue(pod.state);
    case MessageRole:
        return pod.message;
    case LinesRole:
        return pod.lines;
    case ReconnectsRole:
        return pod.reconnects;
    default:
        return {};
    }
}

QHash<int, QByteArray> PodFollowerModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(StateRole, "state");
    names.insert(MessageRole, "message");
    names.insert(LinesRole, "lines");
    names.insert(ReconnectsRole, "reconnects");
    return names;
}

}  // namespace obslab
