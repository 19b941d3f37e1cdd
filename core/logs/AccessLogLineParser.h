#pragma once

#include "core/logs/AccessLogKeys.h"
#include "core/logs/AccessLogReader.h"

namespace obslab::accesslog {

// One line through the parser: run() reads the kubectl prefixes, then picks the layout by the
// first byte. Each layout has its file: AccessLogText.cpp (Istio's TEXT of every version and
// Envoy's default), AccessLogCustom.cpp (key=value lines and the custom tails people add, such as
// the tutorial's trace headers), AccessLogJson.cpp, AccessLogProxyLogs.cpp (istio-proxy's own
// log lines); AccessLogApply.h says what a value means (apply, inline
// where it is called) and AccessLogValues.cpp finds trace ids anywhere.
class LineParser
{
public:
    LineParser(QByteArrayView line, ParsedLine& out)
        : d_(line.data())
        , size_(line.size())
        , out_(out)
    {}

    void run();

private:
    QByteArrayView v(Sz off, Sz len) const { return QByteArrayView(d_ + off, len); }
    static bool missing(QByteArrayView value)
    {
        return value.isEmpty() || (value.size() == 1 && value[0] == '-');
    }
    // apply() for a key that only records where its text is: inline, for the TEXT layouts'
    // dozen such fields a line.
    void setText(Field f, Sz off, Sz len)
    {
        if (!missing(v(off, len)))
            out_.set(f, off, len);
    }

    void readPrefixes(Sz& p);
    bool parseEnvoyLog(Sz p);
    bool parseIstioLog(Sz p);
    bool parseTextAccess(Sz p);
    void parseTail(Reader& r);
    void parseCustomTail(Reader& r);
    void parseJson(Sz p);
    void parseKeyValues(Sz p);
    void applyKeyValueToken(Reader& r);
    void apply(Key key, Sz off, Sz len);
    void applyNumber(Field f, Sz off, Sz len, qint64& target);
    void applyCluster(Sz off, Sz len);
    void applyContext(const TraceContext& ctx, Sz off, Sz len, Sz traceOff, Sz traceLen, Sz spanOff,
                      Sz spanLen);
    void classifyValue(Sz off, Sz len);
    void scanTokens(Sz from, Sz to);
    Sz keyBefore(Sz pos, Key& key) const;

    const char* d_;
    Sz size_;
    Sz end_ = 0;
    ParsedLine& out_;
    int positionalHex_ = 0;
};

}  // namespace obslab::accesslog
