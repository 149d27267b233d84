// `postqueue -j` lines (captured from the lab's Postfix 3.7), the queue.list filter and
// qshape's table, checked against qshape's own output for the same queue.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mailng/postqueue_json.h"

namespace mailng {
namespace {

using nlohmann::json;

QueueShapeOptions sender_options() {
    QueueShapeOptions options;
    options.by_sender = true;
    return options;
}

std::vector<std::string> data_lines(const std::string& name) {
    std::ifstream in(MAILNG_SOURCE_DIR "/tests/data/" + name);
    EXPECT_TRUE(in) << "tests/data/" << name << " missing";
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<QueueMessage> captured_queue(const std::string& name) {
    std::vector<QueueMessage> messages;
    for (const auto& line : data_lines(name)) {
        auto message = parse_postqueue_line(line);
        EXPECT_TRUE(message) << line << ": " << message.error();
        if (message)
            messages.push_back(std::move(*message));
    }
    return messages;
}

std::int64_t captured_now(const std::string& name) {
    return std::stoll(data_lines(name).at(0));
}

TEST(PostqueueJson, ParsesTheLabsDeferredAndHeldMail) {
    auto messages = captured_queue("postqueue-j-short-ids.jsonl");
    ASSERT_EQ(messages.size(), 3u);
    const auto& first = messages[0];
    EXPECT_EQ(first.queue_name, QueueName::deferred);
    EXPECT_EQ(first.queue_id, "3F668A861CC");
    EXPECT_EQ(first.arrival_time, 1795644136);
    EXPECT_EQ(first.message_size, 769u);
    EXPECT_FALSE(first.forced_expire);
    EXPECT_EQ(first.sender, "carol@example.edu");
    ASSERT_EQ(first.recipients.size(), 3u);
    EXPECT_EQ(first.recipients[0].address, "other@NoWhere.Invalid");
    EXPECT_EQ(first.recipients[2].delay_reason,
              "unable to look up host sub.nowhere.invalid: Temporary failure in name resolution");
    EXPECT_EQ(messages[2].queue_name, QueueName::hold);
    EXPECT_EQ(messages[2].queue_id, "0AF69A861D9");
}

TEST(PostqueueJson, ParsesLongQueueIds) {
    for (const auto& message : captured_queue("postqueue-j-long-ids.jsonl"))
        EXPECT_EQ(queue_id_form(message.queue_id), QueueIdForm::long_form) << message.queue_id;
}

struct LineCase {
    std::string line;
    bool ok;
    std::string error_mentions;
};

TEST(PostqueueJson, ToleratesWhatPostfixMayOmitAndRefusesTheRest) {
    const std::string head = R"({"queue_name":"active","queue_id":"4C1F1B30B2","arrival_time":1,)";
    const LineCase cases[] = {
        {head + R"("message_size":2,"sender":"","recipients":[]})", true, ""},
        {head + R"("message_size":2,"sender":"a@b","recipients":[{"address":"c@d"}],"new_member":{"x":1}})", true, ""},
        {head + R"("message_size":2,"sender":"a@b","recipients":[{"address":"c@d","delay_reason":null}]})", true, ""},
        {head + R"("message_size":2,"sender":"a@b","forced_expire":true,"recipients":[]})" "\r", true, ""},
        {head + R"("message_size":-2,"sender":"a@b","recipients":[]})", false, "message_size"},
        {head + R"("message_size":2.5,"sender":"a@b","recipients":[]})", false, "message_size"},
        {head + R"("message_size":2,"recipients":[]})", false, "sender"},
        {head + R"("message_size":2,"sender":"a","recipients":{}})", false, "recipients"},
        {head + R"("message_size":2,"sender":"a","recipients":["c@d"]})", false, "recipients"},
        {head + R"("message_size":2,"sender":"a","recipients":[{"address":1}]})", false, "address"},
        {head + R"("message_size":2,"sender":"a","recipients":[{"address":"x","delay_reason":3}]})", false, "delay_reason"},
        {head + R"("message_size":2,"sender":"a","forced_expire":"no","recipients":[]})", false, "forced_expire"},
        {R"({"queue_name":"bounce","queue_id":"4C1F1B30B2","arrival_time":1,"message_size":2,"sender":"","recipients":[]})", false, "queue_name"},
        {R"({"queue_name":"hold","queue_id":"-rf","arrival_time":1,"message_size":2,"sender":"","recipients":[]})", false, "queue_id"},
        {R"({"queue_name":"hold","queue_id":"4C1F1B30B2","arrival_time":"1","message_size":2,"sender":"","recipients":[]})", false, "arrival_time"},
        {"", false, "JSON"},
        {"[]", false, "JSON object"},
        {head, false, "JSON"},
    };
    for (const auto& c : cases) {
        auto message = parse_postqueue_line(c.line);
        EXPECT_EQ(message.has_value(), c.ok) << c.line;
        if (!c.ok && !message) {
            EXPECT_NE(message.error().find(c.error_mentions), std::string::npos)
                << c.line << " -> " << message.error();
        }
    }
    EXPECT_TRUE(parse_postqueue_line(head + R"("message_size":2,"sender":"","forced_expire":true,"recipients":[]})")->forced_expire);
}

TEST(PostqueueJson, TheNullSenderIsEmptyAsInTheQueueFile) {
    auto bounce = parse_postqueue_line(
        R"({"queue_name":"deferred","queue_id":"D85CEA9C406","arrival_time":1,"message_size":2,)"
        R"("sender":"MAILER-DAEMON","recipients":[{"address":"postmaster@x.invalid"}]})");
    ASSERT_TRUE(bounce);
    EXPECT_EQ(bounce->sender, "");
}

TEST(PostqueueJson, ToJsonIsTheQueueListItemOfTheContract) {
    auto messages = captured_queue("postqueue-j-short-ids.jsonl");
    json item = to_json(messages.at(1));
    EXPECT_EQ(item["queue_id"], "AC9BBA861BC");
    EXPECT_EQ(item["queue_name"], "deferred");
    EXPECT_EQ(item["arrival_time"], 1795644136);
    EXPECT_EQ(item["message_size"], 826);
    EXPECT_EQ(item["sender"], "root@vm");
    EXPECT_EQ(item["recipients"][0]["address"], "postmaster@elsewhere.invalid");
    EXPECT_TRUE(item["recipients"][0]["delay_reason"].is_string());
}

QueueMessage message(QueueName queue, std::int64_t arrival, std::string sender,
                     std::vector<QueueRecipient> recipients) {
    return {queue, "4C1F1B30B2", arrival, 100, false, std::move(sender), std::move(recipients)};
}

// GCC 12 warns about designated initializers that leave members out, so each case
// sets the members it needs on a default filter.
using FilterSetter = void (*)(QueueFilter&);

struct FilterCase {
    const char* what;
    FilterSetter set;
    bool expected;
};

QueueFilter filter_with(FilterSetter set) {
    QueueFilter filter;
    set(filter);
    return filter;
}

TEST(QueueFilter, EmptyOnlyWithoutAnyCondition) {
    EXPECT_TRUE(is_empty(QueueFilter{}));
    QueueFilter aged;
    aged.min_age_seconds = 0;
    EXPECT_FALSE(is_empty(aged));
    QueueFilter held;
    held.queues = {QueueName::hold};
    EXPECT_FALSE(is_empty(held));
}

TEST(QueueFilter, EveryConditionAndTheirCombination) {
    const std::int64_t now = 10000;
    QueueMessage m = message(QueueName::deferred, now - 600, "Carol@Example.EDU",
                             {{"a@gmail.com", "connection timed out"},
                              {"b@mx.Example.org", "Host or domain name not found"}});
    const FilterCase cases[] = {
        {"empty filter", [](QueueFilter&) {}, true},
        {"queue", [](QueueFilter& f) { f.queues = {QueueName::hold, QueueName::deferred}; }, true},
        {"other queue", [](QueueFilter& f) { f.queues = {QueueName::hold}; }, false},
        {"sender substring, case", [](QueueFilter& f) { f.sender_contains = "carol@example"; }, true},
        {"sender mismatch", [](QueueFilter& f) { f.sender_contains = "dave"; }, false},
        {"null sender only", [](QueueFilter& f) { f.sender_contains = "<>"; }, false},
        {"sender domain", [](QueueFilter& f) { f.sender_domain = "example.edu"; }, true},
        {"sender parent domain", [](QueueFilter& f) { f.sender_domain = "edu"; }, true},
        {"sender domain suffix is not a domain", [](QueueFilter& f) { f.sender_domain = "ample.edu"; }, false},
        {"recipient", [](QueueFilter& f) { f.recipient_contains = "A@GMAIL"; }, true},
        {"recipient domain", [](QueueFilter& f) { f.recipient_domain = "example.org."; }, true},
        {"recipient domain exact", [](QueueFilter& f) { f.recipient_domain = "gmail.com"; }, true},
        {"recipient domain absent", [](QueueFilter& f) { f.recipient_domain = "yahoo.com"; }, false},
        {"reason", [](QueueFilter& f) { f.reason_contains = "TIMED OUT"; }, true},
        {"domain and reason, same recipient", [](QueueFilter& f) { f.recipient_domain = "gmail.com"; f.reason_contains = "timed out"; }, true},
        {"domain and reason, different recipients", [](QueueFilter& f) { f.recipient_domain = "example.org"; f.reason_contains = "timed out"; }, false},
        {"old enough", [](QueueFilter& f) { f.min_age_seconds = 600; }, true},
        {"too young", [](QueueFilter& f) { f.min_age_seconds = 601; }, false},
        {"all together", [](QueueFilter& f) { f.queues = {QueueName::deferred}; f.sender_contains = "carol"; f.sender_domain = "example.edu"; f.recipient_contains = "b@"; f.recipient_domain = "example.org"; f.reason_contains = "not found"; f.min_age_seconds = 60; }, true},
    };
    for (const auto& c : cases)
        EXPECT_EQ(matches(filter_with(c.set), m, now), c.expected) << c.what;

    QueueMessage bounce = message(QueueName::active, now, "", {{"x@y", ""}});
    EXPECT_TRUE(matches(filter_with([](QueueFilter& f) { f.sender_contains = "<>"; }), bounce, now));
    EXPECT_FALSE(matches(filter_with([](QueueFilter& f) { f.reason_contains = "x"; }), bounce, now));
    EXPECT_FALSE(matches(filter_with([](QueueFilter& f) { f.recipient_contains = "x"; }),
                         message(QueueName::active, now, "", {}), now));
}

TEST(QueueFilter, FromParams) {
    auto filter = queue_filter_from_params({{"queue", {"deferred", "hold"}}, {"sender", "carol"},
                                            {"domain", "gmail.com"}, {"reason", "timed out"},
                                            {"min_age", 3600}, {"limit", 50}});
    ASSERT_TRUE(filter) << filter.error().message;
    EXPECT_EQ(filter->queues, (std::vector<QueueName>{QueueName::deferred, QueueName::hold}));
    EXPECT_EQ(filter->sender_contains, "carol");
    EXPECT_EQ(filter->recipient_domain, "gmail.com");
    EXPECT_EQ(filter->reason_contains, "timed out");
    EXPECT_EQ(filter->min_age_seconds, 3600);
    EXPECT_EQ(queue_filter_from_params({{"queue", "hold"}})->queues, std::vector<QueueName>{QueueName::hold});
    EXPECT_TRUE(queue_filter_from_params(nullptr));

    const json bad[] = {{{"queue", "bounce"}}, {{"queue", 3}}, {{"queue", {"hold", 1}}},
                        {{"sender", 5}},       {{"min_age", -1}}, {{"min_age", "60"}},
                        json::array({1})};
    for (const auto& params : bad) {
        auto refused = queue_filter_from_params(params);
        ASSERT_FALSE(refused) << params.dump();
        EXPECT_EQ(refused.error().code, jsonrpc::invalid_params) << params.dump();
    }
    EXPECT_EQ(queue_filter_from_params({{"sender", 5}}).error().message, "sender must be a string");
}

TEST(QueueShape, DomainsAsQshapeCountsThem) {
    const std::pair<const char*, const char*> cases[] = {
        {"user@Example.ORG", "example.org"}, {"", "MAILER-DAEMON"},
        {"a@b@c.d", "c.d"},                  {"root", "root"},
        {"x@.example.org.", "example.org"},  {"x@a..b", "a.b"},
        {"x@", ""},                           {"x@.", "."},
    };
    for (const auto& [address, domain] : cases)
        EXPECT_EQ(qshape_domain(address), domain) << address;
}

TEST(QueueShape, BucketsAndHeadingsMatchQshape) {
    const std::int64_t now = 1'000'000;
    QueueShapeBuilder shape(now);
    EXPECT_EQ(shape.shape().headings,
              (std::vector<std::string>{"T", "5", "10", "20", "40", "80", "160", "320", "640", "1280", "1280+"}));
    const std::pair<std::int64_t, int> ages[] = {
        {-100, 1}, {0, 1},     {299, 1},     {300, 2},     {599, 2},     {600, 3},
        {1199, 3}, {1200, 4},  {2400, 5},    {4800, 6},    {9600, 7},    {19200, 8},
        {38400, 9}, {76799, 9}, {76800, 10}, {10'000'000, 10}};
    for (const auto& [age, bucket] : ages)
        EXPECT_EQ(shape.bucket_of(now - age), bucket) << age;

    QueueShapeOptions options;
    options.bucket_count = 4;
    options.bucket_minutes = 10;
    options.linear = true;
    QueueShapeBuilder linear(now, options);
    EXPECT_EQ(linear.shape().headings, (std::vector<std::string>{"T", "10", "20", "30", "30+"}));
    EXPECT_EQ(linear.bucket_of(now - 599), 1);
    EXPECT_EQ(linear.bucket_of(now - 1200), 3);
    EXPECT_EQ(linear.bucket_of(now - 100000), 4);
}

TEST(QueueShape, CountsRecipientsOrSendersAndSortsLikeQshape) {
    const std::int64_t now = 100000;
    QueueShapeBuilder by_recipient(now), by_sender(now, sender_options());
    for (const auto& m : {message(QueueName::deferred, now - 400, "a@x.org", {{"1@b.com", ""}, {"2@B.com", ""}, {"3@aa.net", ""}}),
                          message(QueueName::deferred, now - 4000, "", {{"4@aa.net", ""}, {"5@c.org", ""}})}) {
        by_recipient.add(m);
        by_sender.add(m);
    }
    auto table = by_recipient.shape();
    EXPECT_EQ(table.total.domain, "TOTAL");
    EXPECT_EQ(table.total.counts, (std::vector<std::uint64_t>{5, 0, 3, 0, 0, 2, 0, 0, 0, 0, 0}));
    ASSERT_EQ(table.rows.size(), 3u);
    EXPECT_EQ(table.rows[0].domain, "b.com");   // 2, shorter than aa.net
    EXPECT_EQ(table.rows[1].domain, "aa.net");  // 2
    EXPECT_EQ(table.rows[2].domain, "c.org");   // 1
    EXPECT_EQ(table.rows[1].counts, (std::vector<std::uint64_t>{2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0}));

    auto senders = by_sender.shape();
    EXPECT_EQ(senders.total.counts[0], 2u);
    ASSERT_EQ(senders.rows.size(), 2u);
    EXPECT_EQ(senders.rows[0].domain, "x.org");
    EXPECT_EQ(senders.rows[1].domain, "MAILER-DAEMON");

    json j = to_json(table);
    EXPECT_EQ(j["headings"][10], "1280+");
    EXPECT_EQ(j["total"]["counts"][0], 5);
    EXPECT_EQ(j["rows"][0]["domain"], "b.com");
}

// qshape's printed table: the heading line, then "domain count...", TOTAL first.
std::vector<std::vector<std::string>> qshape_table(const std::string& name) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& line : data_lines(name)) {
        std::istringstream words(line);
        rows.emplace_back();
        for (std::string word; words >> word;)
            rows.back().push_back(word);
    }
    return rows;
}

std::vector<std::string> printed(const QueueShape::Row& row) {
    std::vector<std::string> words{row.domain};
    for (auto count : row.counts)
        words.push_back(std::to_string(count));
    return words;
}

void expect_same_as_qshape(const QueueShape& shape, const std::string& qshape_file) {
    auto expected = qshape_table(qshape_file);
    ASSERT_EQ(expected.size(), shape.rows.size() + 2);
    EXPECT_EQ(expected[0], shape.headings);
    EXPECT_EQ(expected[1], printed(shape.total));
    for (std::size_t i = 0; i < shape.rows.size(); ++i)
        EXPECT_EQ(expected[i + 2], printed(shape.rows[i])) << i;
}

TEST(QueueShape, SameTableAsQshapeOnTheLabQueue) {
    auto now = captured_now("postqueue-j-short-ids.now");
    QueueShapeBuilder by_recipient(now), by_sender(now, sender_options());
    for (const auto& m : captured_queue("postqueue-j-short-ids.jsonl")) {
        by_recipient.add(m);
        by_sender.add(m);
    }
    expect_same_as_qshape(by_recipient.shape(), "qshape-deferred-hold.txt");
    expect_same_as_qshape(by_sender.shape(), "qshape-s-deferred-hold.txt");
}

TEST(QueueShape, SameTableAsQshapeWithLongQueueIds) {
    QueueShapeBuilder shape(captured_now("postqueue-j-long-ids.now"));
    for (const auto& m : captured_queue("postqueue-j-long-ids.jsonl"))
        shape.add(m);
    expect_same_as_qshape(shape.shape(), "qshape-deferred-long-ids.txt");
}

} // namespace
} // namespace mailng
