#pragma once

#include "core/kube/PodFollower.h"

#include <QAbstractListModel>
#include <QPointer>

namespace obslab {

// PodFollower's pods as a list model for views (one row per pod, in the order they appeared):
// DisplayRole = pod name, ToolTipRole = state and why, StateRole (a PodFollower::PodState),
// MessageRole, LinesRole, ReconnectsRole. Follows the follower's signals; GUI thread.
class PodFollowerModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        StateRole = Qt::UserRole + 1,
        MessageRole,
        LinesRole,
        ReconnectsRole,
    };

    explicit PodFollowerModel(PodFollower* follower, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString stateName(PodFollower::PodState state);

private:
    void refresh();

    QPointer<PodFollower> follower_;
    QList<PodFollower::PodStatus> pods_;
};

}  // namespace obslab
