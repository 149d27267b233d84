// The shared TOML table reader; see toml_reader.h for the contract.
#include "mailng/toml_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mailng {
namespace {

std::string_view type_name(toml::node_type type) {
    switch (type) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
        return "a date or time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

/// What an array of `kind` holds, in the plural: "strings".
std::string_view element_name(Expected kind) {
    switch (kind) {
    case Expected::array_of_numbers:
        return "numbers";
    case Expected::array_of_tables:
        return "tables";
    default:
        return "strings";
    }
}

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

/// Edit distance with transpositions (optimal string alignment), for the "did you
/// mean" hint on an unknown key: "adress" and "tsl" are one edit from the real thing.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

/// " (did you mean 'address'?)" when a known key is a few edits from `key`, else "".
std::string suggestion(std::string_view key, const std::set<std::string, std::less<>>& known) {
    std::string best;
    std::size_t best_distance = std::min<std::size_t>(3, key.size() / 2 + 1);
    for (const auto& candidate : known) {
        const std::size_t distance = edit_distance(lowercase(key), candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best.empty() ? "" : " (did you mean " + in_quotes(best) + "?)";
}

std::optional<double> number_of(const toml::node& node) {
    std::optional<double> number;
    if (const auto* integer = node.as_integer()) {
        number = static_cast<double>(integer->get());
    } else if (const auto* floating = node.as_floating_point()) {
        number = floating->get();
    }
    return number && std::isfinite(*number) ? number : std::nullopt;
}

} // namespace

SourcePosition position_of(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

SourcePosition position_of(const toml::node& node) {
    return position_of(node.source());
}

std::string in_quotes(std::string_view text) {
    return "'" + std::string(text) + "'";
}

std::optional<toml::table> parse_toml(std::string_view text, const std::string& file_name,
                                      Diagnostics& out) {
    try {
        return toml::parse(text, std::string_view(file_name));
    } catch (const toml::parse_error& error) {
        out.report(position_of(error.source()), std::string(error.description()));
        return std::nullopt;
    }
}

// TomlDialect: cluster.toml's wording.

std::string TomlDialect::name(const TableReader& table, std::string_view key) const {
    return in_quotes(key) + (table.path().empty() ? " at the top level" : " in " + table.title());
}

std::string TomlDialect::expected(Expected kind, std::string_view path) const {
    switch (kind) {
    case Expected::string:
        return "a string";
    case Expected::integer:
        return "an integer";
    case Expected::boolean:
        return "true or false";
    case Expected::number:
        return "a number";
    case Expected::table:
        return "a table";
    case Expected::array_of_tables:
        return "an array of tables ([[" + std::string(path) + "]])";
    default:
        return "an array";
    }
}

std::string TomlDialect::wrong_type(const std::string& name, const std::string& expected,
                                    const toml::node& found) const {
    return name + " must be " + expected + ", not " + std::string(type_name(found.type()));
}

std::string TomlDialect::not_an_integer(const std::string& name, std::int64_t, std::int64_t,
                                        const toml::node& found) const {
    return wrong_type(name, expected(Expected::integer, ""), found);
}

std::string TomlDialect::out_of_range(const std::string& name, std::int64_t min, std::int64_t max,
                                      std::int64_t value) const {
    return name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
           ", not " + std::to_string(value);
}

std::string TomlDialect::wrong_element(const std::string& name, Expected array,
                                       const toml::node& found) const {
    return name + " must hold only " + std::string(element_name(array)) + ", not " +
           std::string(type_name(found.type()));
}

std::string TomlDialect::control_characters(const std::string& name) const {
    return name + " must not contain control characters";
}

std::string TomlDialect::element_control_characters(const std::string& name) const {
    return control_characters(name);
}

std::string TomlDialect::empty_array(const std::string& name) const {
    return name + " must not be empty";
}

std::string TomlDialect::missing_key(const TableReader& table, std::string_view key) const {
    return "missing required key " + in_quotes(key) + " in " + table.title();
}

std::string TomlDialect::missing_table(const TableReader& parent, std::string_view key) const {
    return "missing required table [" + parent.child_path(key) + "]";
}

std::string TomlDialect::unknown_key(const TableReader& table, std::string_view key,
                                     const toml::node& node) const {
    std::string message;
    if (node.is_table()) {
        message = "unknown table [" + table.child_path(key) + "]";
    } else if (node.is_array_of_tables()) {
        message = "unknown table [[" + table.child_path(key) + "]]";
    } else {
        message = "unknown key " + name(table, key);
    }
    return message + suggestion(key, table.known_keys());
}

bool TomlDialect::is_refused(unsigned char c) const {
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

bool TomlDialect::has_refused_characters(std::string_view text) const {
    return std::any_of(text.begin(), text.end(),
                       [this](char c) { return is_refused(static_cast<unsigned char>(c)); });
}

const TomlDialect& default_dialect() {
    static const TomlDialect dialect;
    return dialect;
}

// DottedDialect

std::string DottedDialect::name(const TableReader& table, std::string_view key) const {
    return in_quotes(table.child_path(key));
}

std::string DottedDialect::wrong_type(const std::string& name, const std::string& expected,
                                      const toml::node&) const {
    return name + " must be " + expected;
}

std::string DottedDialect::unknown_key(const TableReader& table, std::string_view key,
                                       const toml::node&) const {
    return "unknown key " + name(table, key);
}

// TableReader

TableReader::TableReader(const toml::table& root, Diagnostics& out, const TomlDialect& dialect)
    : out_(&out), dialect_(&dialect), table_(&root), title_("the top level") {}

TableReader::TableReader(const TableReader& parent, const toml::table* table, std::string path,
                         std::string title, SourcePosition origin)
    : out_(parent.out_), dialect_(parent.dialect_), table_(table), path_(std::move(path)),
      title_(std::move(title)), origin_(origin) {}

std::string TableReader::child_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool TableReader::has(std::string_view key) const {
    return table_ && table_->contains(key);
}

SourcePosition TableReader::where(std::string_view key) const {
    if (table_) {
        const auto found = table_->find(key);
        if (found != table_->end()) {
            return position_of(found->first.source());
        }
    }
    return origin_;
}

SourcePosition TableReader::where_any(std::initializer_list<std::string_view> keys) const {
    for (const auto key : keys) {
        if (has(key)) {
            return where(key);
        }
    }
    return origin_;
}

void TableReader::report_value(std::string_view key, std::string message) {
    const toml::node* node = table_ ? table_->get(key) : nullptr;
    report_at(node ? position_of(*node) : origin_, std::move(message));
}

void TableReader::report_at(SourcePosition where, std::string message) {
    out_->report(where, std::move(message));
}

void TableReader::report_at(const toml::node& node, std::string message) {
    report_at(position_of(node), std::move(message));
}

const toml::node* TableReader::find(std::string_view key, Need need) {
    known_.emplace(key);
    const toml::node* node = table_ ? table_->get(key) : nullptr;
    if (!node && need == Need::required && table_) {
        report_at(origin_, dialect_->missing_key(*this, key));
    }
    return node;
}

bool TableReader::read(std::string_view key, std::string& out) {
    const toml::node* node = find(key);
    if (!node) {
        return false;
    }
    const auto* value = node->as_string();
    if (!value) {
        return wrong_type(key, *node, Expected::string);
    }
    if (refuses_text(key, *node, value->get())) {
        return false;
    }
    out = value->get();
    return true;
}

bool TableReader::read(std::string_view key, bool& out) {
    const toml::node* node = find(key);
    if (!node) {
        return false;
    }
    const auto* value = node->as_boolean();
    if (!value) {
        return wrong_type(key, *node, Expected::boolean);
    }
    out = value->get();
    return true;
}

bool TableReader::read(std::string_view key, double& out) {
    const toml::node* node = find(key);
    if (!node) {
        return false;
    }
    const auto number = number_of(*node);
    if (!number) {
        return wrong_type(key, *node, Expected::number);
    }
    out = *number;
    return true;
}

bool TableReader::read(std::string_view key, std::vector<double>& out) {
    const toml::array* array = find_array(key, Expected::array_of_numbers);
    if (!array) {
        return false;
    }
    std::vector<double> numbers;
    for (const toml::node& element : *array) {
        const auto number = number_of(element);
        if (!number) {
            report_at(element,
                      dialect_->wrong_element(name(key), Expected::array_of_numbers, element));
            return false;
        }
        numbers.push_back(*number);
    }
    out = std::move(numbers);
    return true;
}

bool TableReader::read(std::string_view key, std::vector<Located<std::string>>& out, Empty empty) {
    const toml::array* array = find_array(key, Expected::array_of_strings);
    if (!array) {
        return false;
    }
    if (empty == Empty::refused && array->empty()) {
        report_at(*array, dialect_->empty_array(name(key)));
    }
    out.clear();
    for (const toml::node& element : *array) {
        const auto* value = element.as_string();
        if (!value) {
            report_at(element,
                      dialect_->wrong_element(name(key), Expected::array_of_strings, element));
        } else if (dialect_->has_refused_characters(value->get())) {
            report_at(element, dialect_->element_control_characters(name(key)));
        } else {
            out.push_back({value->get(), position_of(element)});
        }
    }
    return true;
}

bool TableReader::read_integer(std::string_view key, std::int64_t& out, std::int64_t min,
                               std::int64_t max) {
    const toml::node* node = find(key);
    if (!node) {
        return false;
    }
    const auto* value = node->as_integer();
    if (!value) {
        report_at(*node, dialect_->not_an_integer(name(key), min, max, *node));
        return false;
    }
    if (value->get() < min || value->get() > max) {
        report_at(*node, dialect_->out_of_range(name(key), min, max, value->get()));
        return false;
    }
    out = value->get();
    return true;
}

TableReader TableReader::child(std::string_view key, Need need) {
    const toml::node* node = find(key);
    const toml::table* table = node ? node->as_table() : nullptr;
    if (node && !table) {
        wrong_type(key, *node, Expected::table);
    }
    if (!node && need == Need::required && table_) {
        report_at(origin_, dialect_->missing_table(*this, key));
    }
    const std::string path = child_path(key);
    return TableReader(*this, table, path, "[" + path + "]", table ? position_of(*table) : origin_);
}

std::vector<TableReader> TableReader::elements(std::string_view key) {
    std::vector<TableReader> tables;
    const toml::array* array = find_array(key, Expected::array_of_tables);
    if (!array) {
        return tables;
    }
    const std::string path = child_path(key);
    for (const toml::node& element : *array) {
        if (const toml::table* table = element.as_table()) {
            tables.push_back(
                TableReader(*this, table, path, "[[" + path + "]]", position_of(*table)));
        } else {
            report_at(element,
                      dialect_->wrong_element(name(key), Expected::array_of_tables, element));
        }
    }
    return tables;
}

const toml::table* TableReader::data_table(std::string_view key) {
    const toml::node* node = find(key);
    if (node && !node->is_table()) {
        wrong_type(key, *node, Expected::table);
        return nullptr;
    }
    return node ? node->as_table() : nullptr;
}

void TableReader::report_unknown_keys() {
    if (!table_) {
        return;
    }
    for (const auto& [key, node] : *table_) {
        if (!known_.count(key.str())) {
            report_at(position_of(key.source()), dialect_->unknown_key(*this, key.str(), node));
        }
    }
}

const toml::array* TableReader::find_array(std::string_view key, Expected kind) {
    const toml::node* node = find(key);
    if (node && !node->is_array()) {
        wrong_type(key, *node, kind);
        return nullptr;
    }
    return node ? node->as_array() : nullptr;
}

bool TableReader::wrong_type(std::string_view key, const toml::node& node, Expected kind) {
    report_at(node,
              dialect_->wrong_type(name(key), dialect_->expected(kind, child_path(key)), node));
    return false;
}

bool TableReader::refuses_text(std::string_view key, const toml::node& node,
                               std::string_view text) {
    if (!dialect_->has_refused_characters(text)) {
        return false;
    }
    const SourcePosition blamed =
        dialect_->blames_key_for_characters() ? where(key) : position_of(node);
    report_at(blamed, dialect_->control_characters(name(key)));
    return true;
}

} // namespace mailng
