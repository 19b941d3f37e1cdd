#pragma once

#include <QByteArray>

#include <zlib.h>

namespace obslab::test {

// data compressed as a gzip file would hold it (one member), for tests of .gz input.
inline QByteArray gzip(const QByteArray& data)
{
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
    QByteArray out(int(deflateBound(&zs, uLong(data.size())) + 64), Qt::Uninitialized);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.truncate(int(zs.total_out));
    deflateEnd(&zs);
    return out;
}

}  // namespace obslab::test
