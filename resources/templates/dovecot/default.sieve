{{{header}}}
#
# Site Sieve script, run for every user before the user's own script (sieve_before).
# The manual's default.sieve, with its bracket typo fixed and the subject tags taken
# from the amavis policy (amavis.spam_subject_tag, amavis.spammy_subject_tag; they
# must not contain '"' or '\').
# Compile after every change, as the manual says (delivery then needs no write
# access to this directory):   sievec -c DOVECOT_CONFIG default.sieve
require ["fileinto", "envelope", "editheader"];

# Pigeonhole stores each message as it was when the storing action ran, so the
# headers are added before fileinto (the manual adds them last, which leaves the
# messages filed into SPAM without them).
addheader "X-{{{cluster.name}}}-Information" "Please contact support@{{{cluster.domain}}} for help.";
addheader "X-{{{cluster.name}}}-Information" "Report abuse to abuse@{{{cluster.domain}}}.";

if header :contains "subject" ["[SPAM]"] {
    fileinto "SPAM";
}
if header :contains "subject" ["{{{amavis.spam_subject_tag}}}"] {
    fileinto "SPAM";
}
if header :contains "subject" ["{{{amavis.spammy_subject_tag}}}"] {
    fileinto "SPAM";
}
