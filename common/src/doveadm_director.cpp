#include "mailng/doveadm_director.h"

#include <algorithm>
#include <charconv>

namespace mailng {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
        auto end = text.find(separator, start);
        fields.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos)
            return fields;
        start = end + 1;
    }
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (!line.empty())
            lines.push_back(line);
    }
    return lines;
}

template <typename Number>
std::optional<Number> number(std::string_view text) {
    Number value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// The indices of `names` in `table`, or an error naming the first missing column.
Result<std::vector<std::size_t>, std::string> columns(const DoveadmTable& table,
                                                      const std::vector<std::string_view>& names) {
    std::vector<std::size_t> indices;
    for (auto name : names) {
        auto index = table.column(name);
        if (!index)
            return unexpected("doveadm output has no column \"" + std::string(name) + "\"");
        indices.push_back(*index);
    }
    return indices;
}

std::string not_a_number(std::string_view column, std::string_view value) {
    return "doveadm output: " + std::string(column) + " is not a number: \"" + std::string(value) + "\"";
}

Result<DirectorBackend, std::string> backend_from(const std::vector<std::string>& row,
                                                  const std::vector<std::size_t>& at) {
    DirectorBackend backend{row[at[0]], row[at[1]], 0, row[at[3]], row[at[4]], 0};
    auto vhosts = number<std::uint32_t>(row[at[2]]);
    if (!vhosts)
        return unexpected(not_a_number("vhosts", row[at[2]]));
    auto users = number<std::uint64_t>(row[at[5]]);
    if (!users)
        return unexpected(not_a_number("users", row[at[5]]));
    backend.vhosts = *vhosts;
    backend.users = *users;
    return backend;
}

// "(19397 19405)" -> {"19397", "19405"}; the parentheses are optional.
std::vector<std::string> parenthesised_list(std::string_view text) {
    if (text.size() >= 2 && text.front() == '(' && text.back() == ')')
        text = text.substr(1, text.size() - 2);
    std::vector<std::string> items;
    for (auto& item : split(text, ' '))
        if (!item.empty())
            items.push_back(std::move(item));
    return items;
}

Result<std::vector<std::uint64_t>, std::string> pids_from(std::string_view text) {
    std::vector<std::uint64_t> pids;
    for (const auto& item : parenthesised_list(text)) {
        auto pid = number<std::uint64_t>(item);
        if (!pid)
            return unexpected(not_a_number("pid", item));
        pids.push_back(*pid);
    }
    return pids;
}

// A row of `who` (grouped) or `who -1` (one connection), by the columns in `at`:
// username, connections (or none), proto, pids, ips.
Result<WhoEntry, std::string> who_from(const std::vector<std::string>& row,
                                       const std::vector<std::size_t>& at, bool one_per_line) {
    WhoEntry entry{row[at[0]], 1, row[at[one_per_line ? 1 : 2]], {}, {}};
    if (!one_per_line) {
        auto connections = number<std::uint32_t>(row[at[1]]);
        if (!connections)
            return unexpected(not_a_number("#", row[at[1]]));
        entry.connections = *connections;
    }
    auto pids = pids_from(row[at[one_per_line ? 2 : 3]]);
    if (!pids)
        return unexpected(pids.error());
    entry.pids = std::move(*pids);
    entry.ips = parenthesised_list(row[at[one_per_line ? 3 : 4]]);
    return entry;
}

} // namespace

std::optional<std::size_t> DoveadmTable::column(std::string_view name) const {
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end())
        return std::nullopt;
    return static_cast<std::size_t>(it - columns.begin());
}

Result<DoveadmTable, std::string> parse_doveadm_tab(std::string_view output) {
    auto lines = lines_of(output);
    if (lines.empty())
        return unexpected(std::string("doveadm output has no header line"));
    DoveadmTable table{split(lines[0], '\t'), {}};
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto fields = split(lines[i], '\t');
        if (fields.size() != table.columns.size())
            return unexpected("doveadm output line " + std::to_string(i + 1) + " has " +
                              std::to_string(fields.size()) + " fields, the header " +
                              std::to_string(table.columns.size()));
        table.rows.push_back(std::move(fields));
    }
    return table;
}

Result<std::vector<DirectorBackend>, std::string> parse_director_status(std::string_view output) {
    auto table = parse_doveadm_tab(output);
    if (!table)
        return unexpected(table.error());
    auto at = columns(*table, {"mail server ip", "tag", "vhosts", "state", "state changed", "users"});
    if (!at)
        return unexpected(at.error());
    std::vector<DirectorBackend> backends;
    for (const auto& row : table->rows) {
        auto backend = backend_from(row, *at);
        if (!backend)
            return unexpected(backend.error());
        backends.push_back(std::move(*backend));
    }
    return backends;
}

Result<DirectorUserStatus, std::string> parse_director_user_status(std::string_view output) {
    auto table = parse_doveadm_tab(output);
    if (!table)
        return unexpected(table.error());
    auto at = columns(*table, {"status", "expires", "hashed", "initial-config"});
    if (!at)
        return unexpected(at.error());
    if (table->rows.size() != 1)
        return unexpected(std::string("doveadm director status USER: expected one row"));
    const auto& row = table->rows[0];
    return DirectorUserStatus{row[(*at)[0]], row[(*at)[1]], row[(*at)[2]], row[(*at)[3]]};
}

bool director_unavailable(std::string_view stderr_text) {
    return stderr_text.find("director-admin) failed") != std::string_view::npos;
}

Result<std::vector<WhoEntry>, std::string> parse_doveadm_who(std::string_view output) {
    auto table = parse_doveadm_tab(output);
    if (!table)
        return unexpected(table.error());
    bool one_per_line = !table->column("#").has_value();
    auto at = one_per_line ? columns(*table, {"username", "proto", "pid", "ip"})
                           : columns(*table, {"username", "#", "proto", "(pids)", "(ips)"});
    if (!at)
        return unexpected(at.error());
    std::vector<WhoEntry> entries;
    for (const auto& row : table->rows) {
        auto entry = who_from(row, *at, one_per_line);
        if (!entry)
            return unexpected(entry.error());
        entries.push_back(std::move(*entry));
    }
    return entries;
}

} // namespace mailng
