// `doveadm -f tab director status` and `doveadm -f tab who`, captured from the lab's
// Dovecot 2.3.19 (tests/data/doveadm), and their failure modes.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "mailng/doveadm_director.h"

namespace mailng {
namespace {

std::string data_file(const std::string& name) {
    std::ifstream in(MAILNG_SOURCE_DIR "/tests/data/doveadm/" + name, std::ios::binary);
    EXPECT_TRUE(in) << "tests/data/doveadm/" << name << " missing";
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(DoveadmTab, HeaderRowsAndFieldCounts) {
    auto table = parse_doveadm_tab("a\tb\t\n1\t\t3\r\n\n4\t5\t6");
    ASSERT_TRUE(table) << table.error();
    EXPECT_EQ(table->columns, (std::vector<std::string>{"a", "b", ""}));
    ASSERT_EQ(table->rows.size(), 2u);
    EXPECT_EQ(table->rows[0], (std::vector<std::string>{"1", "", "3"}));
    EXPECT_EQ(table->column("b"), 1u);
    EXPECT_FALSE(table->column("c"));
    EXPECT_FALSE(parse_doveadm_tab(""));
    EXPECT_FALSE(parse_doveadm_tab("\n\n"));
    EXPECT_EQ(parse_doveadm_tab("a\tb\n1\n").error(), "doveadm output line 2 has 1 fields, the header 2");
}

TEST(DirectorStatus, BackendsWithOneDrained) {
    auto backends = parse_director_status(data_file("director-status-tab.txt"));
    ASSERT_TRUE(backends) << backends.error();
    ASSERT_EQ(backends->size(), 2u);
    const auto& first = (*backends)[0];
    EXPECT_EQ(first.address, "127.0.1.13");
    EXPECT_EQ(first.tag, "");
    EXPECT_EQ(first.vhosts, 100u);
    EXPECT_EQ(first.state, "up");
    EXPECT_EQ(first.state_changed, "-");
    EXPECT_EQ(first.users, 2u);
    EXPECT_EQ((*backends)[1].address, "127.0.1.14");
    EXPECT_EQ((*backends)[1].vhosts, 0u);  // after `director update 127.0.1.14 0`
    EXPECT_EQ((*backends)[1].users, 1u);
}

TEST(DirectorStatus, RefusesWhatIsNotTabOutput) {
    // The default table formatter: one padded column, no tabs. Refused, not misread.
    auto table = parse_director_status(data_file("director-status-weight0-table.txt"));
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error(), "doveadm output has no column \"mail server ip\"");
    EXPECT_FALSE(parse_director_status(""));
    const char* bad[] = {
        "mail server ip\ttag\tvhosts\tstate\tstate changed\tusers\nh\t\tmany\tup\t-\t0\n",
        "mail server ip\ttag\tvhosts\tstate\tstate changed\tusers\nh\t\t-1\tup\t-\t0\n",
        "mail server ip\ttag\tvhosts\tstate\tstate changed\tusers\nh\t\t1\tup\t-\t\n",
    };
    for (const char* output : bad)
        EXPECT_FALSE(parse_director_status(output)) << output;
    auto empty = parse_director_status("mail server ip\ttag\tvhosts\tstate\tstate changed\tusers\n");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(DirectorStatus, OneUser) {
    auto user = parse_director_user_status(data_file("director-status-user-tab.txt"));
    ASSERT_TRUE(user) << user.error();
    EXPECT_EQ(user->current, "127.0.1.14");
    EXPECT_EQ(user->expires, "2026-11-25 22:23:26");
    EXPECT_EQ(user->hashed, "127.0.1.13");
    EXPECT_EQ(user->initial_config, "127.0.1.14");
    EXPECT_FALSE(parse_director_user_status("status\texpires\thashed\tinitial-config\n"));
}

TEST(DirectorStatus, NoDirectorOnThisHost) {
    EXPECT_TRUE(director_unavailable(data_file("director-status-no-director.stderr")));
    EXPECT_TRUE(director_unavailable(data_file("director-status-no-director-2.stderr")));
    EXPECT_FALSE(director_unavailable("Fatal: Unknown command 'director'"));
    EXPECT_FALSE(director_unavailable(""));
}

TEST(DoveadmWho, GroupedAndOnePerConnection) {
    auto grouped = parse_doveadm_who(data_file("who-tab-two-pids.txt"));
    ASSERT_TRUE(grouped) << grouped.error();
    ASSERT_EQ(grouped->size(), 1u);
    EXPECT_EQ((*grouped)[0].username, "bob");
    EXPECT_EQ((*grouped)[0].connections, 2u);
    EXPECT_EQ((*grouped)[0].protocol, "imap");
    EXPECT_EQ((*grouped)[0].pids, (std::vector<std::uint64_t>{19397, 19405}));
    EXPECT_EQ((*grouped)[0].ips, std::vector<std::string>{"127.0.1.11"});

    auto two_users = parse_doveadm_who(data_file("who-tab.txt"));
    ASSERT_TRUE(two_users);
    ASSERT_EQ(two_users->size(), 2u);
    EXPECT_EQ((*two_users)[1].username, "alice");

    auto single = parse_doveadm_who(data_file("who-tab-1.txt"));
    ASSERT_TRUE(single) << single.error();
    ASSERT_EQ(single->size(), 2u);
    EXPECT_EQ((*single)[1].username, "frank");
    EXPECT_EQ((*single)[1].connections, 1u);
    EXPECT_EQ((*single)[1].pids, std::vector<std::uint64_t>{19408});
    EXPECT_EQ((*single)[1].ips, std::vector<std::string>{"127.0.1.11"});

    auto nobody = parse_doveadm_who(data_file("who-tab-empty.txt"));
    ASSERT_TRUE(nobody);
    EXPECT_TRUE(nobody->empty());

    EXPECT_FALSE(parse_doveadm_who("username\t#\tproto\t(pids)\t(ips)\nbob\tx\timap\t(1)\t(ip)\n"));
    EXPECT_FALSE(parse_doveadm_who("username\t#\tproto\t(pids)\t(ips)\nbob\t1\timap\t(1 y)\t(ip)\n"));
    EXPECT_FALSE(parse_doveadm_who("username # proto (pids) (ips)\n"));
}

} // namespace
} // namespace mailng
