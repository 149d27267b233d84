// The answer to one agent call, as the console's models and pages see it.
#pragma once

#include <QJsonValue>
#include <QString>

namespace mailng::gui {

struct RpcReply {
    bool ok = false;
    QJsonValue result;          // when ok
    int errorCode = 0;          // JSON-RPC error code (mailng/jsonrpc.h), or one of
                                // the transport codes below when the call never reached
                                // the agent
    QString errorMessage;       // plain words for the admin
    QJsonValue errorData;

    /// The host was not connected, or the connection broke before the answer came.
    static constexpr int kNotConnected = -1;
    /// No answer within the call's timeout.
    static constexpr int kTimedOut = -2;
};

} // namespace mailng::gui
