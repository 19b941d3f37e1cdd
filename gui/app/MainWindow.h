#pragma once

#include <QMainWindow>

namespace obslab {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace obslab
