// Loopback socket checks for the lab: is a port free, does a daemon answer yet.
#pragma once

#include <chrono>
#include <string>

namespace mailng::lab {

/// True when nothing is bound to address:port (a bind() test; the socket is closed).
bool port_is_free(const std::string& address, int port);

/// True once address:port accepts a connection and, when `banner_prefix` is not empty,
/// its first line starts with it. Gives up after `timeout`.
bool wait_until_answering(const std::string& address, int port, const std::string& banner_prefix,
                          std::chrono::milliseconds timeout);

/// True when `address` is configured on an interface (Postfix's inet_interfaces
/// refuses an address that is merely routable, as all of 127.0.0.0/8 is).
bool address_is_local(const std::string& address);

} // namespace mailng::lab
