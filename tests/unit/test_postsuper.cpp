// What postsuper reports on its terminal, turned into the count a queue verb returns.
#include "postsuper.h"

#include <gtest/gtest.h>

using namespace mailng::agent;

TEST(PostsuperCount, ReadsTheReportOfTheAction) {
    EXPECT_EQ(postsuper_count(PostsuperAction::remove, "postsuper: Deleted: 3 messages\n"), 3);
    EXPECT_EQ(postsuper_count(PostsuperAction::hold, "postsuper: Placed on hold: 1 message\n"), 1);
    EXPECT_EQ(postsuper_count(PostsuperAction::release,
                              "postsuper: Released from hold: 12 messages\n"),
              12);
    EXPECT_EQ(postsuper_count(PostsuperAction::requeue, "postsuper: Requeued: 2 messages\n"), 2);
}

TEST(PostsuperCount, IgnoresOtherActionsWarningsAndSilence) {
    const char* mixed = "postsuper: warning: ABCDEF: no such file\n"
                        "postsuper: Requeued: 2 messages\n"
                        "postsuper: Deleted: 1 message\n";
    EXPECT_EQ(postsuper_count(PostsuperAction::remove, mixed), 1);
    EXPECT_EQ(postsuper_count(PostsuperAction::hold, mixed), 0);
    EXPECT_EQ(postsuper_count(PostsuperAction::remove, ""), 0);
    EXPECT_EQ(postsuper_count(PostsuperAction::remove, "postsuper: Deleted: lots"), 0);
}

TEST(PostsuperCount, SumsRepeatedReports) {
    EXPECT_EQ(postsuper_count(PostsuperAction::remove,
                              "postsuper: Deleted: 2 messages\npostsuper: Deleted: 5 messages\n"),
              7);
}

TEST(PostsuperNames, MethodAndFlag) {
    EXPECT_EQ(method_name(PostsuperAction::remove), "queue.delete");
    EXPECT_EQ(postsuper_flag(PostsuperAction::release), "-H");
}
