// Reading a parsed TOML config file table by table, key by key: the one reader behind
// cluster.toml, policyd.toml, quotad-bridge.toml and agent.toml.
//
// Contract:
// - Every key that the reading code asks for (found or not) counts as known, so the
//   reading code is also the schema: report_unknown_keys() names every other key of the
//   table at the key's own line:column. A typo never silently becomes a default.
// - Reads never throw and never stop at the first problem. A read that finds a problem
//   reports it to the Diagnostics at the position of the key or value that is wrong,
//   leaves `out` untouched and returns false; an absent optional key returns false with
//   no problem. One run therefore shows the admin every problem of the file.
// - Strings holding control characters are refused (the dialect says which).
// - A required key or table is reported missing at its table's position (line 0 for the
//   top level), unless the table is itself absent: its own problem, if any, says enough.
//
// toml++ types are part of this interface, so toml++ is a PUBLIC dependency of
// mailng_common. The readers need raw nodes for tables whose keys are data (virtual
// users, services, access lists) and for checks of single array elements; an opaque
// wrapper would have to re-create toml++'s DOM for that. PUBLIC also hands every includer
// the compile definitions the installed toml++ requires (TOML_HEADER_ONLY=0), which a
// header that includes toml.h must be compiled with.
//
// Wording: the files' problems were worded before they shared this reader, and the
// messages are pinned by tests and quoted in the docs, so the wording is a TomlDialect.
// The default dialect (cluster.toml, agent.toml) names keys by table ("'smtp' in
// [ports]"), says which type it found and suggests the nearest known key for a typo;
// DottedDialect (the daemons' files) names keys by path ("'ldap.uri'") and is terser.
#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mailng/diagnostics.h"

namespace mailng {

SourcePosition position_of(const toml::source_region& region);
SourcePosition position_of(const toml::node& node);

/// "'text'": how messages quote names and values.
std::string in_quotes(std::string_view text);

/// A value and where the file holds it, for checks that relate several values
/// (duplicates, shadowing) and blame the right one.
template <typename T> struct Located {
    T value;
    SourcePosition where;
};

enum class Need { optional, required };
enum class Empty { allowed, refused }; // may an array be empty?

/// What a key should hold, for the wording of a type problem.
enum class Expected {
    string,
    integer,
    boolean,
    number,
    table,
    array_of_strings,
    array_of_numbers,
    array_of_tables,
};

/// Parses `text`; a syntax error is reported at its position and gives nullopt.
std::optional<toml::table> parse_toml(std::string_view text, const std::string& file_name,
                                      Diagnostics& out);

class TableReader;

/// How a reader words its problems, and which characters a string may not hold. The
/// defaults are cluster.toml's wording; a dialect overrides only what differs.
class TomlDialect {
public:
    virtual ~TomlDialect() = default;

    /// `key` of `table` as messages name it: "'smtp' in [ports]", "'host' at the top level".
    virtual std::string name(const TableReader& table, std::string_view key) const;
    /// "a string", "an array", "an array of tables ([[hosts]])"; `path` is the key's.
    virtual std::string expected(Expected kind, std::string_view path) const;
    /// "NAME must be EXPECTED, not a string".
    virtual std::string wrong_type(const std::string& name, const std::string& expected,
                                   const toml::node& found) const;
    /// An integer key that holds something else; wrong_type() unless overridden.
    virtual std::string not_an_integer(const std::string& name, std::int64_t min, std::int64_t max,
                                       const toml::node& found) const;
    /// "NAME must be between MIN and MAX, not VALUE".
    virtual std::string out_of_range(const std::string& name, std::int64_t min, std::int64_t max,
                                     std::int64_t value) const;
    /// An array element of the wrong type: "NAME must hold only strings, not an integer".
    virtual std::string wrong_element(const std::string& name, Expected array,
                                      const toml::node& found) const;
    virtual std::string control_characters(const std::string& name) const;
    /// An element of an array of strings with control characters in it.
    virtual std::string element_control_characters(const std::string& name) const;
    virtual std::string empty_array(const std::string& name) const;
    virtual std::string missing_key(const TableReader& table, std::string_view key) const;
    virtual std::string missing_table(const TableReader& parent, std::string_view key) const;
    /// A key no read asked for: "unknown key 'adress' in [[hosts]] (did you mean ...?)".
    virtual std::string unknown_key(const TableReader& table, std::string_view key,
                                    const toml::node& node) const;

    /// Whether a string value may not hold `c`: the C0 controls but tab, and DEL.
    virtual bool is_refused(unsigned char c) const;
    /// Whether refused characters are blamed on the key (else on the string value).
    virtual bool blames_key_for_characters() const { return true; }

    bool has_refused_characters(std::string_view text) const;
};

/// The default dialect, as cluster.toml and agent.toml word their problems.
const TomlDialect& default_dialect();

/// The daemons' dialect: keys named by dotted path ("'ldap.uri'"), only the expected
/// type named ("'threads' must be an integer"), unknown keys named plainly.
class DottedDialect : public TomlDialect {
public:
    std::string name(const TableReader& table, std::string_view key) const override;
    std::string wrong_type(const std::string& name, const std::string& expected,
                           const toml::node& found) const override;
    std::string unknown_key(const TableReader& table, std::string_view key,
                            const toml::node& node) const override;
};

/// One table of the file. It refers to the parsed document, the Diagnostics and the
/// dialect, which must outlive it. A copy has its own set of known keys.
class TableReader {
public:
    /// The top level of a parsed document.
    TableReader(const toml::table& root, Diagnostics& out,
                const TomlDialect& dialect = default_dialect());

    const std::string& path() const { return path_; }   // dotted; "" at the top level
    const std::string& title() const { return title_; } // "[ldap]", "[[hosts]]", "the top level"
    /// False for an optional table that the file does not have: reads find nothing.
    bool present() const { return table_ != nullptr; }
    /// The raw table, for tables whose keys are data (users, services); null when absent.
    const toml::table* table() const { return table_; }
    const TomlDialect& dialect() const { return *dialect_; }
    const std::set<std::string, std::less<>>& known_keys() const { return known_; }
    /// The dotted path of `key` in this table: "hosts.paths".
    std::string child_path(std::string_view key) const;
    std::string name(std::string_view key) const { return dialect_->name(*this, key); }

    bool has(std::string_view key) const;
    /// The table's header; for an absent table, its parent's position.
    SourcePosition where() const { return origin_; }
    /// The key's position if the table holds it, else the table's.
    SourcePosition where(std::string_view key) const;
    /// The first of `keys` that the table holds, else the table: where to blame a rule
    /// that relates several keys.
    SourcePosition where_any(std::initializer_list<std::string_view> keys) const;

    void report(std::string_view key, std::string message) {
        report_at(where(key), std::move(message));
    }
    /// At the value of `key` (the table when absent).
    void report_value(std::string_view key, std::string message);
    void report_at(SourcePosition where, std::string message);
    void report_at(const toml::node& node, std::string message);

    /// The raw node of `key`, nullptr when absent; marks the key known.
    const toml::node* find(std::string_view key, Need need = Need::optional);

    bool read(std::string_view key, std::string& out);
    bool read(std::string_view key, bool& out);
    bool read(std::string_view key, double& out); // an integer or a finite float
    /// Every element must be a number; the first that is not is reported.
    bool read(std::string_view key, std::vector<double>& out);
    /// Each element is checked on its own, so one bad entry does not hide the problems
    /// of the others; `out` gets the good ones. True when the key holds an array.
    bool read(std::string_view key, std::vector<Located<std::string>>& out,
              Empty empty = Empty::allowed);

    /// An integer within [min, max] (which must fit N).
    template <std::integral N>
    requires(!std::same_as<N, bool>) bool read(std::string_view key, N& out, std::int64_t min,
                                               std::int64_t max) {
        std::int64_t value = 0;
        if (!read_integer(key, value, min, max)) {
            return false;
        }
        out = static_cast<N>(value);
        return true;
    }

    template <std::integral N>
    bool read(std::string_view key, std::optional<N>& out, std::int64_t min, std::int64_t max) {
        N value{};
        if (!read(key, value, min, max)) {
            return false;
        }
        out = value;
        return true;
    }

    /// Duration helper: the key holds a count in the unit of `out`, which its name says
    /// ("timeout_ms" into milliseconds), within [min, max].
    template <typename Rep, typename Period>
    bool read(std::string_view key, std::chrono::duration<Rep, Period>& out,
              std::type_identity_t<std::chrono::duration<Rep, Period>> min,
              std::type_identity_t<std::chrono::duration<Rep, Period>> max) {
        std::int64_t count = 0;
        if (!read_integer(key, count, min.count(), max.count())) {
            return false;
        }
        out = std::chrono::duration<Rep, Period>(count);
        return true;
    }

    /// read(), and a problem when the key is absent from a table that is there.
    template <typename T, typename... Limits>
    bool require(std::string_view key, T& out, Limits... limits) {
        if (!has(key)) {
            find(key, Need::required);
            return false;
        }
        return read(key, out, limits...);
    }

    /// The subtable `key`; an absent optional one is a reader that is not present().
    TableReader child(std::string_view key, Need need = Need::optional);
    /// The elements of the array of tables `key` ([[key]]), in file order.
    std::vector<TableReader> elements(std::string_view key);
    /// The raw subtable `key`, for tables whose keys are data (users, services).
    const toml::table* data_table(std::string_view key);

    /// Reports each key of the table that no read asked for. Call after the reads.
    void report_unknown_keys();

private:
    TableReader(const TableReader& parent, const toml::table* table, std::string path,
                std::string title, SourcePosition origin);

    bool read_integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
    const toml::array* find_array(std::string_view key, Expected kind);
    bool wrong_type(std::string_view key, const toml::node& node, Expected kind);
    /// Reports refused characters in `text` (the value of `key`, at `node`).
    bool refuses_text(std::string_view key, const toml::node& node, std::string_view text);

    Diagnostics* out_;
    const TomlDialect* dialect_;
    const toml::table* table_;
    std::string path_;
    std::string title_;
    SourcePosition origin_;
    std::set<std::string, std::less<>> known_;
};

} // namespace mailng
