// Name and address rules of the cluster model (see cluster.h).
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>

#include "mailng/cluster.h"

namespace mailng {
namespace {

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// The 4 or 16 bytes of an address literal, in network order.
struct AddressBytes {
    std::array<unsigned char, 16> bytes{};
    int bits = 0; // 32 or 128
};

std::optional<AddressBytes> parse_address(std::string_view text) {
    // inet_pton reads up to a NUL, so text with an embedded NUL would pass on its prefix.
    if (text.empty() || text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string copy(text);
    AddressBytes result;
    if (inet_pton(AF_INET, copy.c_str(), result.bytes.data()) == 1) {
        result.bits = 32;
        return result;
    }
    if (inet_pton(AF_INET6, copy.c_str(), result.bytes.data()) == 1) {
        result.bits = 128;
        return result;
    }
    return std::nullopt;
}

/// A non-negative decimal of at most `max_digits` digits, nothing else (no sign).
std::optional<int> parse_decimal(std::string_view text, std::size_t max_digits) {
    const bool digits_only = std::all_of(text.begin(), text.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
    if (text.empty() || text.size() > max_digits || !digits_only) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::optional<int> parse_prefix(std::string_view text) {
    return parse_decimal(text, 3);
}

bool bit_is_set(const AddressBytes& address, int bit) {
    return (address.bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1;
}

bool has_host_bits(const AddressBytes& address, int prefix) {
    for (int bit = prefix; bit < address.bits; ++bit) {
        if (bit_is_set(address, bit)) {
            return true;
        }
    }
    return false;
}

struct Network {
    AddressBytes address;
    int prefix = 0;
};

std::optional<Network> parse_network(std::string_view cidr) {
    const auto slash = cidr.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto address = parse_address(cidr.substr(0, slash));
    const auto prefix = parse_prefix(cidr.substr(slash + 1));
    if (!address || !prefix || *prefix > address->bits) {
        return std::nullopt;
    }
    return Network{*address, *prefix};
}

bool is_ssh_user(std::string_view user) {
    return !user.empty() && user.front() != '-' &&
           std::all_of(user.begin(), user.end(), [](char c) {
               return is_ascii_alnum(c) || c == '.' || c == '_' || c == '-';
           });
}

bool has_blank_or_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
    });
}

std::optional<int> parse_port(std::string_view text) {
    const auto port = parse_decimal(text, 5);
    return port && *port >= 1 && *port <= 65535 ? port : std::nullopt;
}

using Endpoint = std::pair<std::string, std::optional<std::string_view>>; // host, port text

/// Splits "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 literal.
Result<Endpoint, std::string> split_endpoint(std::string_view rest) {
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return unexpected(std::string("has '[' without ']'"));
        }
        const auto after = rest.substr(close + 1);
        if (!after.empty() && after.front() != ':') {
            return unexpected(std::string("has text after ']' that is not ':port'"));
        }
        const auto host = std::string(rest.substr(1, close - 1));
        if (!is_ipv6_address(host)) {
            return unexpected(std::string("has no IPv6 address inside [ ]"));
        }
        return after.empty() ? Endpoint{host, std::nullopt} : Endpoint{host, after.substr(1)};
    }
    if (std::count(rest.begin(), rest.end(), ':') > 1) {
        return Endpoint{std::string(rest), std::nullopt}; // bare IPv6, checked below
    }
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
        return Endpoint{std::string(rest), std::nullopt};
    }
    return Endpoint{std::string(rest.substr(0, colon)), rest.substr(colon + 1)};
}

Result<SshTarget, std::string> parse_ssh_endpoint(std::string_view rest, SshTarget target) {
    auto endpoint = split_endpoint(rest);
    if (!endpoint) {
        return unexpected(endpoint.error());
    }
    auto& [host, port_text] = endpoint.value();
    if (!is_valid_domain_name(host) && !is_valid_ip_address(host)) {
        return unexpected(std::string("has a host that is neither a name nor an address"));
    }
    if (port_text) {
        const auto port = parse_port(*port_text);
        if (!port) {
            return unexpected(std::string("has a port outside 1..65535"));
        }
        target.port = *port;
    }
    target.host = std::move(host);
    return target;
}

} // namespace

Result<SshTarget, std::string> parse_ssh_target(std::string_view target) {
    if (target.empty()) {
        return unexpected(std::string("is empty"));
    }
    if (has_blank_or_control(target)) {
        return unexpected(std::string("contains spaces or control characters"));
    }
    if (target.front() == '-') {
        return unexpected(std::string("starts with '-', which ssh would read as an option"));
    }
    SshTarget result;
    const auto at = target.find('@');
    if (at != std::string_view::npos) {
        result.user = std::string(target.substr(0, at));
        if (!is_ssh_user(result.user)) {
            return unexpected(std::string("has an invalid user name before '@'"));
        }
        target.remove_prefix(at + 1);
    }
    return parse_ssh_endpoint(target, std::move(result));
}

bool is_valid_host_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
    }
    return std::all_of(label.begin(), label.end(),
                       [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

bool is_valid_domain_name(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        if (!is_valid_host_label(name.substr(start, dot - start))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

bool is_valid_ip_address(std::string_view text) {
    return parse_address(text).has_value();
}

bool is_ipv6_address(std::string_view text) {
    const auto address = parse_address(text);
    return address && address->bits == 128;
}

std::string cidr_error(std::string_view cidr) {
    const auto slash = cidr.find('/');
    if (slash == std::string_view::npos) {
        return "is not in address/prefix form";
    }
    const auto address = parse_address(cidr.substr(0, slash));
    if (!address) {
        return "has no valid IPv4 or IPv6 address before the '/'";
    }
    const auto prefix = parse_prefix(cidr.substr(slash + 1));
    if (!prefix || *prefix > address->bits) {
        return "has a prefix length outside 0.." + std::to_string(address->bits);
    }
    if (has_host_bits(*address, *prefix)) {
        return "has host bits set after the first " + std::to_string(*prefix) + " bits";
    }
    return "";
}

bool cidr_contains(std::string_view outer, std::string_view inner) {
    const auto big = parse_network(outer);
    const auto small = parse_network(inner);
    if (!big || !small || big->address.bits != small->address.bits ||
        big->prefix > small->prefix) {
        return false;
    }
    for (int bit = 0; bit < big->prefix; ++bit) {
        if (bit_is_set(big->address, bit) != bit_is_set(small->address, bit)) {
            return false;
        }
    }
    return true;
}

bool is_valid_local_part(std::string_view local_part) {
    if (local_part.empty() || local_part.size() > 64 || local_part.front() == '.' ||
        local_part.back() == '.' || local_part.find("..") != std::string_view::npos) {
        return false;
    }
    return std::all_of(local_part.begin(), local_part.end(), [](char c) {
        return is_ascii_alnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
    });
}

bool is_valid_login(std::string_view login) {
    // A leading '-' would read as an option wherever a login reaches a command line.
    if (login.empty() || login.size() > 64 || login.front() == '-') {
        return false;
    }
    return std::all_of(login.begin(), login.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

} // namespace mailng
