<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="el_GR">
<context>
    <name>mailng::gui::AgentTableModel</name>
    <message>
        <source>the agent answered with error %1</source>
        <translation>ο agent απάντησε με σφάλμα %1</translation>
    </message>
</context>
<context>
    <name>mailng::gui::AuditModel</name>
    <message>
        <source>Time</source>
        <translation>Ώρα</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Διακομιστής</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Χρήστης</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Ενέργεια</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Παράμετροι</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Αποτέλεσμα</translation>
    </message>
    <message>
        <source>Affected</source>
        <translation>Επηρεάστηκαν</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Σφάλμα</translation>
    </message>
    <message>
        <source>done</source>
        <translation>ολοκληρώθηκε</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>απέτυχε</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>απορρίφθηκε</translation>
    </message>
    <message>
        <source>started, no outcome recorded</source>
        <translation>ξεκίνησε, χωρίς καταγεγραμμένο αποτέλεσμα</translation>
    </message>
</context>
<context>
    <name>mailng::gui::AuditPage</name>
    <message>
        <source>Audit</source>
        <translation>Ημερολόγιο ελέγχου</translation>
    </message>
    <message>
        <source>User (exact)</source>
        <translation>Χρήστης (ακριβώς)</translation>
    </message>
    <message>
        <source>Every action</source>
        <translation>Κάθε ενέργεια</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Οποτεδήποτε</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Τελευταία ώρα</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>Τελευταία ημέρα</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Τελευταίες 7 ημέρες</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Τελευταίες 30 ημέρες</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Εφαρμογή</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Params:</source>
        <translation>Παράμετροι:</translation>
    </message>
    <message numerus="yes">
        <source>%n audit entries shown</source>
        <translation>
            <numerusform>Εμφανίζεται %n εγγραφή ελέγχου</numerusform>
            <numerusform>Εμφανίζονται %n εγγραφές ελέγχου</numerusform>
        </translation>
    </message>
    <message>
        <source> (loading…)</source>
        <translation> (φόρτωση…)</translation>
    </message>
    <message>
        <source>not shown: %1</source>
        <translation>δεν εμφανίζονται: %1</translation>
    </message>
</context>
<context>
    <name>mailng::gui::BackendDrain</name>
    <message>
        <source>No director is known, so no session can be moved.</source>
        <translation>Δεν είναι γνωστός κανένας director, οπότε καμία συνεδρία δεν μπορεί να μεταφερθεί.</translation>
    </message>
    <message>
        <source>Stopped during: %1</source>
        <translation>Διακόπηκε κατά το βήμα: %1</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Δεν ξεκίνησε</translation>
    </message>
    <message>
        <source>Read the back-end&apos;s weight on every director</source>
        <translation>Ανάγνωση του βάρους του back-end σε κάθε director</translation>
    </message>
    <message>
        <source>Set its weight to 0 on every director</source>
        <translation>Μηδενισμός του βάρους του σε κάθε director</translation>
    </message>
    <message>
        <source>Flush its user assignments on every director</source>
        <translation>Εκκαθάριση των αναθέσεων χρηστών του σε κάθε director</translation>
    </message>
    <message>
        <source>Kick the open sessions on the back-end</source>
        <translation>Αποσύνδεση των ανοιχτών συνεδριών στο back-end</translation>
    </message>
    <message>
        <source>Wait until no session remains</source>
        <translation>Αναμονή μέχρι να μην απομένει καμία συνεδρία</translation>
    </message>
    <message>
        <source>Maintenance: the back-end is free</source>
        <translation>Συντήρηση: το back-end είναι ελεύθερο</translation>
    </message>
    <message>
        <source>Restore its weight on every director</source>
        <translation>Επαναφορά του βάρους του σε κάθε director</translation>
    </message>
    <message>
        <source>Check the weights on every director</source>
        <translation>Έλεγχος των βαρών σε κάθε director</translation>
    </message>
    <message>
        <source>Back in service</source>
        <translation>Ξανά σε λειτουργία</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Διακόπηκε</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Απέτυχε</translation>
    </message>
    <message>
        <source>No session remains on %1; it can be worked on now.</source>
        <translation>Δεν απομένει καμία συνεδρία στον %1· μπορείτε τώρα να εργαστείτε σε αυτόν.</translation>
    </message>
    <message>
        <source>%1: weight %2, %3 users</source>
        <translation>%1: βάρος %2, %3 χρήστες</translation>
    </message>
    <message>
        <source>%1 does not list the back-end %2.</source>
        <translation>Ο %1 δεν περιλαμβάνει το back-end %2.</translation>
    </message>
    <message>
        <source>%1: weight set to 0</source>
        <translation>%1: το βάρος έγινε 0</translation>
    </message>
    <message>
        <source>%1: %2 user assignments flushed</source>
        <translation>%1: εκκαθαρίστηκαν %2 αναθέσεις χρηστών</translation>
    </message>
    <message>
        <source>the host does not report its sessions</source>
        <translation>ο διακομιστής δεν αναφέρει τις συνεδρίες του</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) remain; kicking again</source>
        <translation>
            <numerusform>Απομένει %n συνεδρία· νέα αποσύνδεση</numerusform>
            <numerusform>Απομένουν %n συνεδρίες· νέα αποσύνδεση</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: weight set back to %2</source>
        <translation>%1: το βάρος επανήλθε στο %2</translation>
    </message>
    <message>
        <source>%1 shows weight %2 instead of %3</source>
        <translation>Ο %1 δείχνει βάρος %2 αντί για %3</translation>
    </message>
    <message>
        <source>%1 is back in service.</source>
        <translation>Ο %1 είναι ξανά σε λειτουργία.</translation>
    </message>
    <message>
        <source>%1: the sessions of %2 users were kicked</source>
        <translation>%1: αποσυνδέθηκαν οι συνεδρίες %2 χρηστών</translation>
    </message>
</context>
<context>
    <name>mailng::gui::BackendMaintenanceDialog</name>
    <message>
        <source>Back-end maintenance: %1</source>
        <translation>Συντήρηση back-end: %1</translation>
    </message>
    <message>
        <source>Back-end:</source>
        <translation>Back-end:</translation>
    </message>
    <message>
        <source>Its host (kicked, asked for sessions):</source>
        <translation>Ο διακομιστής του (αποσύνδεση, μέτρηση συνεδριών):</translation>
    </message>
    <message>
        <source>Directors:</source>
        <translation>Director:</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Έναρξη</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Διακοπή</translation>
    </message>
    <message>
        <source>Bring back</source>
        <translation>Επαναφορά</translation>
    </message>
    <message>
        <source>Moves every session off the back-end as the manual&apos;s &quot;Back-end system maintenance&quot; does, waits while you work on it, then brings it back. Disable anything that changes director weights by itself (poolmon, cron jobs) first.</source>
        <translation>Μεταφέρει όλες τις συνεδρίες από το back-end όπως η διαδικασία «Back-end system maintenance» του εγχειριδίου, περιμένει όσο εργάζεστε σε αυτό και έπειτα το επαναφέρει. Απενεργοποιήστε πρώτα ό,τι αλλάζει μόνο του τα βάρη των director (poolmon, εργασίες cron).</translation>
    </message>
    <message>
        <source>Sessions left on the back-end: %1</source>
        <translation>Συνεδρίες που απομένουν στο back-end: %1</translation>
    </message>
    <message>
        <source>A step is running: stop it before closing.</source>
        <translation>Ένα βήμα εκτελείται: σταματήστε το πριν κλείσετε.</translation>
    </message>
</context>
<context>
    <name>mailng::gui::ConnectionPrompts</name>
    <message>
        <source>Key passphrase</source>
        <translation>Φράση πρόσβασης κλειδιού</translation>
    </message>
    <message>
        <source>The SSH key %1 is protected by a passphrase. Type it to connect to %2 (it is used once and not kept):</source>
        <translation>Το κλειδί SSH %1 προστατεύεται με φράση πρόσβασης. Πληκτρολογήστε τη για σύνδεση με τον %2 (χρησιμοποιείται μία φορά και δεν φυλάσσεται):</translation>
    </message>
</context>
<context>
    <name>mailng::gui::DashboardPage</name>
    <message>
        <source>Queued messages, last 24 hours</source>
        <translation>Μηνύματα στις ουρές, τελευταίες 24 ώρες</translation>
    </message>
    <message>
        <source>Deferred messages, last 24 hours</source>
        <translation>Μηνύματα σε αναβολή, τελευταίες 24 ώρες</translation>
    </message>
    <message>
        <source>Find a host</source>
        <translation>Εύρεση διακομιστή</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Επισκόπηση</translation>
    </message>
    <message>
        <source>No history from %1.</source>
        <translation>Χωρίς ιστορικό από: %1.</translation>
    </message>
    <message>
        <source>Recipients checked per minute (relays&apos; policy daemons)</source>
        <translation>Παραλήπτες που ελέγχθηκαν ανά λεπτό (policy daemons των relays)</translation>
    </message>
</context>
<context>
    <name>mailng::gui::DirectorModel</name>
    <message>
        <source>Director</source>
        <translation>Director</translation>
    </message>
    <message>
        <source>Back-end</source>
        <translation>Back-end</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Βάρος</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Κατάσταση</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Χρήστες</translation>
    </message>
    <message>
        <source>State changed</source>
        <translation>Αλλαγή κατάστασης</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Ετικέτα</translation>
    </message>
    <message>
        <source>No new users are sent to this back-end.</source>
        <translation>Δεν στέλνονται νέοι χρήστες σε αυτό το back-end.</translation>
    </message>
    <message>
        <source>0 (drained)</source>
        <translation>0 (αδειασμένο)</translation>
    </message>
    <message>
        <source>up</source>
        <translation>σε λειτουργία</translation>
    </message>
    <message>
        <source>down</source>
        <translation>εκτός λειτουργίας</translation>
    </message>
</context>
<context>
    <name>mailng::gui::DirectorPage</name>
    <message>
        <source>Find a director or back-end</source>
        <translation>Εύρεση director ή back-end</translation>
    </message>
    <message>
        <source>Back-end maintenance…</source>
        <translation>Συντήρηση back-end…</translation>
    </message>
    <message>
        <source>Move every session off the selected back-end, and back</source>
        <translation>Μεταφορά όλων των συνεδριών από το επιλεγμένο back-end, και επιστροφή</translation>
    </message>
    <message>
        <source>Director</source>
        <translation>Director</translation>
    </message>
    <message>
        <source>Select a back-end first.</source>
        <translation>Επιλέξτε πρώτα ένα back-end.</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 στον %2</translation>
    </message>
    <message>
        <source>%1: weight %2; %3 users</source>
        <translation>%1: βάρος %2· %3 χρήστες</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No host runs a Dovecot director.</source>
        <translation>Κανένας διακομιστής δεν εκτελεί Dovecot director.</translation>
    </message>
</context>
<context>
    <name>mailng::gui::FirstRunDialog</name>
    <message>
        <source>mailng: choose the cluster</source>
        <translation>mailng: επιλογή συστοιχίας</translation>
    </message>
    <message>
        <source>No cluster file is open. The cluster file (cluster.toml) names the servers, their roles and how to reach them over SSH.</source>
        <translation>Δεν είναι ανοιχτό αρχείο συστοιχίας. Το αρχείο συστοιχίας (cluster.toml) ονομάζει τους διακομιστές, τους ρόλους τους και πώς προσεγγίζονται μέσω SSH.</translation>
    </message>
    <message>
        <source>Open a cluster file…</source>
        <translation>Άνοιγμα αρχείου συστοιχίας…</translation>
    </message>
    <message>
        <source>Open the example cluster (the manual&apos;s)</source>
        <translation>Άνοιγμα της συστοιχίας-παραδείγματος (του εγχειριδίου)</translation>
    </message>
    <message>
        <source>Describe the hosts…</source>
        <translation>Περιγραφή των διακομιστών…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Έξοδος</translation>
    </message>
    <message>
        <source>only when no host is the directory: ldap://…/</source>
        <translation>μόνο αν κανένας διακομιστής δεν είναι ο κατάλογος: ldap://…/</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Όνομα</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Ρόλος</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Διεύθυνση</translation>
    </message>
    <message>
        <source>SSH target (optional)</source>
        <translation>Στόχος SSH (προαιρετικά)</translation>
    </message>
    <message>
        <source>Cluster name:</source>
        <translation>Όνομα συστοιχίας:</translation>
    </message>
    <message>
        <source>Mail domain:</source>
        <translation>Τομέας αλληλογραφίας:</translation>
    </message>
    <message>
        <source>Trusted networks:</source>
        <translation>Έμπιστα δίκτυα:</translation>
    </message>
    <message>
        <source>LDAP URI:</source>
        <translation>URI του LDAP:</translation>
    </message>
    <message>
        <source>Add host</source>
        <translation>Προσθήκη διακομιστή</translation>
    </message>
    <message>
        <source>Remove host</source>
        <translation>Αφαίρεση διακομιστή</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Πίσω</translation>
    </message>
    <message>
        <source>Save and open…</source>
        <translation>Αποθήκευση και άνοιγμα…</translation>
    </message>
    <message>
        <source>Open a cluster file</source>
        <translation>Άνοιγμα αρχείου συστοιχίας</translation>
    </message>
    <message>
        <source>Cluster files (*.toml);;All files (*)</source>
        <translation>Αρχεία συστοιχίας (*.toml);;Όλα τα αρχεία (*)</translation>
    </message>
    <message>
        <source>Save the cluster file</source>
        <translation>Αποθήκευση του αρχείου συστοιχίας</translation>
    </message>
    <message>
        <source>Cluster files (*.toml)</source>
        <translation>Αρχεία συστοιχίας (*.toml)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Δεν είναι δυνατή η εγγραφή του %1: %2</translation>
    </message>
    <message>
        <source>Cannot copy the example cluster to %1.</source>
        <translation>Δεν είναι δυνατή η αντιγραφή της συστοιχίας-παραδείγματος στο %1.</translation>
    </message>
    <message>
        <source>The cluster file has problems:
%1</source>
        <translation>Το αρχείο συστοιχίας έχει προβλήματα:
%1</translation>
    </message>
    <message>
        <source>Open another cluster. The console leaves the cluster it shows now only when the new cluster file has been read without problems.</source>
        <translation>Άνοιγμα άλλης συστοιχίας. Η κονσόλα αφήνει τη συστοιχία που δείχνει τώρα μόνο όταν το νέο αρχείο συστοιχίας διαβαστεί χωρίς προβλήματα.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Άκυρο</translation>
    </message>
</context>
<context>
    <name>mailng::gui::HistoryChart</name>
    <message>
        <source>No history yet.</source>
        <translation>Δεν υπάρχει ακόμη ιστορικό.</translation>
    </message>
</context>
<context>
    <name>mailng::gui::HostCard</name>
    <message>
        <source>Services</source>
        <translation>Υπηρεσίες</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Φορτίο</translation>
    </message>
    <message>
        <source>/var used</source>
        <translation>Χρήση /var</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Ουρές</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Συνεδρίες</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Πολιτική</translation>
    </message>
</context>
<context>
    <name>mailng::gui::HostKeyDialog</name>
    <message>
        <source>Unknown host key: %1</source>
        <translation>Άγνωστο κλειδί διακομιστή: %1</translation>
    </message>
    <message>
        <source>The SSH host key of %1 (%2) is not known yet. Compare its fingerprint with the one the server shows (ssh-keygen -lf on the host&apos;s key) before you accept it. An accepted key is recorded in known_hosts.</source>
        <translation>Το κλειδί SSH του διακομιστή %1 (%2) δεν είναι ακόμη γνωστό. Συγκρίνετε το αποτύπωμά του με αυτό που δείχνει ο ίδιος ο διακομιστής (ssh-keygen -lf στο κλειδί του) πριν το αποδεχτείτε. Ένα κλειδί που γίνεται αποδεκτό καταγράφεται στο known_hosts.</translation>
    </message>
    <message>
        <source>Fingerprint: %1</source>
        <translation>Αποτύπωμα: %1</translation>
    </message>
    <message>
        <source>Accept and record</source>
        <translation>Αποδοχή και καταγραφή</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Απόρριψη</translation>
    </message>
    <message>
        <source>Host key changed: %1</source>
        <translation>Το κλειδί του διακομιστή άλλαξε: %1</translation>
    </message>
    <message>
        <source>The SSH host key of %1 (%2) has CHANGED. The connection is refused: someone may be intercepting it. If the server was reinstalled and its new key is confirmed, remove the old key from %3 (ssh-keygen -R) and reconnect.</source>
        <translation>Το κλειδί SSH του διακομιστή %1 (%2) ΕΧΕΙ ΑΛΛΑΞΕΙ. Η σύνδεση απορρίπτεται: κάποιος μπορεί να την υποκλέπτει. Αν ο διακομιστής εγκαταστάθηκε ξανά και το νέο του κλειδί έχει επιβεβαιωθεί, αφαιρέστε το παλιό κλειδί από το %3 (ssh-keygen -R) και συνδεθείτε ξανά.</translation>
    </message>
    <message>
        <source>Recorded: %1
Offered now: %2</source>
        <translation>Καταγεγραμμένο: %1
Προσφέρεται τώρα: %2</translation>
    </message>
</context>
<context>
    <name>mailng::gui::HostStateBar</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>μη συνδεδεμένος</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>σύνδεση σε εξέλιξη</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>συνδεδεμένος</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>απορρίφθηκε</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>μη προσβάσιμος</translation>
    </message>
</context>
<context>
    <name>mailng::gui::HostStatusModel</name>
    <message>
        <source>Host</source>
        <translation>Διακομιστής</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Κατάσταση</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Ρόλος</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Υπηρεσίες</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Φορτίο</translation>
    </message>
    <message>
        <source>/var</source>
        <translation>/var</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Ουρές</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Συνεδρίες</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Χρόνος λειτουργίας</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>αναμονή απάντησης</translation>
    </message>
    <message>
        <source>up</source>
        <translation>σε λειτουργία</translation>
    </message>
    <message>
        <source>down: %1</source>
        <translation>εκτός λειτουργίας: %1</translation>
    </message>
    <message>
        <source>all %1 running</source>
        <translation>εκτελούνται και οι %1</translation>
    </message>
    <message>
        <source>%1 of %2 stopped: %3</source>
        <translation>%1 από %2 σταματημένες: %3</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>μη αναγνώσιμο</translation>
    </message>
    <message>
        <source>%1: running (pid %2)</source>
        <translation>%1: εκτελείται (pid %2)</translation>
    </message>
    <message>
        <source>%1: stopped (%2)</source>
        <translation>%1: σταματημένη (%2)</translation>
    </message>
    <message>
        <source>%1 of %2 used, %3 free (%4)</source>
        <translation>%1 από %2 σε χρήση, %3 ελεύθερα (%4)</translation>
    </message>
    <message>
        <source>%1, %2 proxied</source>
        <translation>%1, %2 μέσω proxy</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Πολιτική</translation>
    </message>
    <message>
        <source>counters unreadable</source>
        <translation>μη αναγνώσιμοι μετρητές</translation>
    </message>
    <message>
        <source>%1 checked, %2 rejected</source>
        <translation>%1 ελέγχθηκαν, %2 απορρίφθηκαν</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1, counters since it started (%2 s old):</source>
        <translation>%1, μετρητές από την εκκίνησή του (πριν από %2 s):</translation>
    </message>
    <message>
        <source>rejected: unknown %1, disabled %2, over quota %3</source>
        <translation>απορρίφθηκαν: άγνωστοι %1, απενεργοποιημένοι %2, πάνω από το όριο %3</translation>
    </message>
    <message>
        <source>back-ends unanswered: %1 (failure action), %2 answered from stale cache</source>
        <translation>back-ends χωρίς απάντηση: %1 (ενέργεια αποτυχίας), %2 απαντήθηκαν από παλιά cache</translation>
    </message>
    <message>
        <source>cache: %1 hits, %2 misses, %3 entries</source>
        <translation>cache: %1 επιτυχίες, %2 αστοχίες, %3 εγγραφές</translation>
    </message>
    <message>
        <source>bridge %1: %2 answers, %3 failures%4</source>
        <translation>bridge %1: %2 απαντήσεις, %3 αποτυχίες%4</translation>
    </message>
    <message>
        <source>, skipped now</source>
        <translation>, παρακάμπτεται τώρα</translation>
    </message>
</context>
<context>
    <name>mailng::gui::Language</name>
    <message>
        <source>System language</source>
        <translation>Γλώσσα συστήματος</translation>
    </message>
</context>
<context>
    <name>mailng::gui::MainWindow</name>
    <message>
        <source>mailng console</source>
        <translation>Κονσόλα mailng</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Αρχείο</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Έ&amp;ξοδος</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Προβολή</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Ανανέωση</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>Ανα&amp;ζήτηση</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Ρυθμίσεις</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Γλώσσα</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Βοήθεια</translation>
    </message>
    <message>
        <source>&amp;About mailng</source>
        <translation>&amp;Σχετικά με το mailng</translation>
    </message>
    <message>
        <source>The language changes when the console is started again.</source>
        <translation>Η γλώσσα αλλάζει την επόμενη φορά που θα ξεκινήσει η κονσόλα.</translation>
    </message>
    <message>
        <source>About mailng</source>
        <translation>Σχετικά με το mailng</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;mailng console&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Manages a Postfix, Dovecot and amavisd mail cluster through the mailng agent on each host.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Κονσόλα mailng&lt;/b&gt; %1&lt;/p&gt;&lt;p&gt;Διαχειρίζεται μια συστοιχία αλληλογραφίας Postfix, Dovecot και amavisd μέσω του mailng agent σε κάθε διακομιστή.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Open cluster…</source>
        <translation>Ά&amp;νοιγμα συστοιχίας…</translation>
    </message>
</context>
<context>
    <name>mailng::gui::MessageViewerDialog</name>
    <message>
        <source>Message %1 on %2</source>
        <translation>Μήνυμα %1 στον %2</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Ολόκληρο</translation>
    </message>
    <message>
        <source>Envelope</source>
        <translation>Φάκελος</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>Κεφαλίδες</translation>
    </message>
    <message>
        <source>Body</source>
        <translation>Σώμα</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Εμφάνιση:</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Φόρτωση…</translation>
    </message>
    <message>
        <source>Only the first %1 bytes are shown.</source>
        <translation>Εμφανίζονται μόνο τα πρώτα %1 byte.</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantineDetail</name>
    <message>
        <source>Loading…</source>
        <translation>Φόρτωση…</translation>
    </message>
    <message>
        <source>Type: %1   Score: %2   Spam flag: %3</source>
        <translation>Τύπος: %1   Βαθμολογία: %2   Σήμανση spam: %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>καμία</translation>
    </message>
    <message>
        <source>From: %1</source>
        <translation>Από: %1</translation>
    </message>
    <message>
        <source>Envelope: %1 → %2</source>
        <translation>Φάκελος: %1 → %2</translation>
    </message>
    <message>
        <source>Subject: %1</source>
        <translation>Θέμα: %1</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Ειδοποίηση: %1</translation>
    </message>
    <message>
        <source>(the message is longer than the agent shows)</source>
        <translation>(το μήνυμα είναι μεγαλύτερο από όσο δείχνει ο agent)</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantineFilterBar</name>
    <message>
        <source>Every type</source>
        <translation>Όλοι οι τύποι</translation>
    </message>
    <message>
        <source>Spam</source>
        <translation>Spam</translation>
    </message>
    <message>
        <source>Virus</source>
        <translation>Ιός</translation>
    </message>
    <message>
        <source>Banned file</source>
        <translation>Απαγορευμένο αρχείο</translation>
    </message>
    <message>
        <source>Bad header</source>
        <translation>Κακή κεφαλίδα</translation>
    </message>
    <message>
        <source>Sender or From contains</source>
        <translation>Ο αποστολέας ή το From περιέχει</translation>
    </message>
    <message>
        <source>Recipient contains</source>
        <translation>Ο παραλήπτης περιέχει</translation>
    </message>
    <message>
        <source>Subject contains</source>
        <translation>Το θέμα περιέχει</translation>
    </message>
    <message>
        <source>any score</source>
        <translation>οποιαδήποτε βαθμολογία</translation>
    </message>
    <message>
        <source>score ≥ </source>
        <translation>βαθμολογία ≥ </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Εφαρμογή</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Καθαρισμός</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantineModel</name>
    <message>
        <source>Host</source>
        <translation>Διακομιστής</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Τύπος</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Ώρα</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Αποστολέας</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Παραλήπτες</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Θέμα</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Βαθμολογία</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Μέγεθος</translation>
    </message>
    <message>
        <source>Spam</source>
        <translation>Spam</translation>
    </message>
    <message>
        <source>Virus</source>
        <translation>Ιός</translation>
    </message>
    <message>
        <source>Banned</source>
        <translation>Απαγορευμένο</translation>
    </message>
    <message>
        <source>Bad header</source>
        <translation>Κακή κεφαλίδα</translation>
    </message>
    <message>
        <source>Unchecked</source>
        <translation>Μη ελεγμένο</translation>
    </message>
    <message>
        <source>Clean</source>
        <translation>Καθαρό</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Αρχείο</translation>
    </message>
    <message>
        <source>From: %1</source>
        <translation>Από: %1</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 byte</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantinePage</name>
    <message>
        <source>Quarantine</source>
        <translation>Καραντίνα</translation>
    </message>
    <message>
        <source>Release…</source>
        <translation>Αποδέσμευση…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Διαγραφή</translation>
    </message>
    <message>
        <source>Select the messages to release first.</source>
        <translation>Επιλέξτε πρώτα τα μηνύματα προς αποδέσμευση.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) released</source>
        <translation>
            <numerusform>Αποδεσμεύτηκε %n μήνυμα</numerusform>
            <numerusform>Αποδεσμεύτηκαν %n μηνύματα</numerusform>
        </translation>
    </message>
    <message>
        <source>Select the messages to delete first.</source>
        <translation>Επιλέξτε πρώτα τα μηνύματα προς διαγραφή.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n quarantined message(s)</source>
        <translation>
            <numerusform>Διαγραφή %n μηνύματος από την καραντίνα</numerusform>
            <numerusform>Διαγραφή %n μηνυμάτων από την καραντίνα</numerusform>
        </translation>
    </message>
    <message>
        <source> on %1?</source>
        <translation> στους %1;</translation>
    </message>
    <message>
        <source>Deleted messages cannot be brought back.</source>
        <translation>Τα μηνύματα που διαγράφονται δεν ανακτώνται.</translation>
    </message>
    <message>
        <source>Confirm: delete</source>
        <translation>Επιβεβαίωση: διαγραφή</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) deleted</source>
        <translation>
            <numerusform>Διαγράφηκε %n μήνυμα</numerusform>
            <numerusform>Διαγράφηκαν %n μηνύματα</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Σε εξέλιξη…</translation>
    </message>
    <message>
        <source>%1 of %2 quarantined messages loaded</source>
        <translation>Φορτώθηκαν %1 από %2 μηνύματα σε καραντίνα</translation>
    </message>
    <message>
        <source>not shown: %1</source>
        <translation>δεν εμφανίζονται: %1</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantineReleaseDialog</name>
    <message>
        <source>To the original recipients</source>
        <translation>Στους αρχικούς παραλήπτες</translation>
    </message>
    <message>
        <source>Only to the recipients ticked below</source>
        <translation>Μόνο στους παραλήπτες που επιλέγονται παρακάτω</translation>
    </message>
    <message>
        <source>Release from quarantine</source>
        <translation>Αποδέσμευση από την καραντίνα</translation>
    </message>
    <message>
        <source>another address</source>
        <translation>άλλη διεύθυνση</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Προσθήκη</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Αποδέσμευση</translation>
    </message>
    <message numerus="yes">
        <source>Release %n message(s):</source>
        <translation>
            <numerusform>Αποδέσμευση %n μηνύματος:</numerusform>
            <numerusform>Αποδέσμευση %n μηνυμάτων:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueueActionText</name>
    <message>
        <source>Hold</source>
        <translation>Αναμονή</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Αποδέσμευση</translation>
    </message>
    <message>
        <source>Requeue</source>
        <translation>Επανένταξη</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Διαγραφή</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No message matches; there is nothing to do.</source>
        <translation>Κανένα μήνυμα δεν ταιριάζει· δεν υπάρχει τίποτα να γίνει.</translation>
    </message>
    <message numerus="yes">
        <source>Put %n message(s) on hold</source>
        <translation>
            <numerusform>Θέση %n μηνύματος σε αναμονή</numerusform>
            <numerusform>Θέση %n μηνυμάτων σε αναμονή</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Release %n message(s) from hold</source>
        <translation>
            <numerusform>Αποδέσμευση %n μηνύματος από την αναμονή</numerusform>
            <numerusform>Αποδέσμευση %n μηνυμάτων από την αναμονή</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Requeue %n message(s)</source>
        <translation>
            <numerusform>Επανένταξη %n μηνύματος στην ουρά</numerusform>
            <numerusform>Επανένταξη %n μηνυμάτων στην ουρά</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n message(s)</source>
        <translation>
            <numerusform>Διαγραφή %n μηνύματος</numerusform>
            <numerusform>Διαγραφή %n μηνυμάτων</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 on %2 (%3)?</source>
        <translation>%1 σε %2 (%3);</translation>
    </message>
    <message numerus="yes">
        <source>%n host(s)</source>
        <translation>
            <numerusform>%n διακομιστή</numerusform>
            <numerusform>%n διακομιστές</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted messages cannot be brought back.</source>
        <translation>Τα μηνύματα που διαγράφονται δεν ανακτώνται.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) put on hold</source>
        <translation>
            <numerusform>Τέθηκε σε αναμονή %n μήνυμα</numerusform>
            <numerusform>Τέθηκαν σε αναμονή %n μηνύματα</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) released from hold</source>
        <translation>
            <numerusform>Αποδεσμεύτηκε από την αναμονή %n μήνυμα</numerusform>
            <numerusform>Αποδεσμεύτηκαν από την αναμονή %n μηνύματα</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) requeued</source>
        <translation>
            <numerusform>Επανεντάχθηκε στην ουρά %n μήνυμα</numerusform>
            <numerusform>Επανεντάχθηκαν στην ουρά %n μηνύματα</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) deleted</source>
        <translation>
            <numerusform>Διαγράφηκε %n μήνυμα</numerusform>
            <numerusform>Διαγράφηκαν %n μηνύματα</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueueFilterBar</name>
    <message>
        <source>Every queue</source>
        <translation>Όλες οι ουρές</translation>
    </message>
    <message>
        <source>Only the messages in this queue</source>
        <translation>Μόνο τα μηνύματα αυτής της ουράς</translation>
    </message>
    <message>
        <source>Sender contains</source>
        <translation>Ο αποστολέας περιέχει</translation>
    </message>
    <message>
        <source>Recipient contains</source>
        <translation>Ο παραλήπτης περιέχει</translation>
    </message>
    <message>
        <source>Recipient domain</source>
        <translation>Τομέας παραλήπτη</translation>
    </message>
    <message>
        <source>Delay reason contains</source>
        <translation>Η αιτία καθυστέρησης περιέχει</translation>
    </message>
    <message>
        <source>any age</source>
        <translation>οποιαδήποτε ηλικία</translation>
    </message>
    <message>
        <source> min old</source>
        <translation> λεπτά παλαιότητας</translation>
    </message>
    <message>
        <source>Only messages at least this many minutes old</source>
        <translation>Μόνο μηνύματα τουλάχιστον τόσων λεπτών</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Εφαρμογή</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Καθαρισμός</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueueModel</name>
    <message>
        <source>Host</source>
        <translation>Διακομιστής</translation>
    </message>
    <message>
        <source>Queue ID</source>
        <translation>Αναγνωριστικό ουράς</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Ουρά</translation>
    </message>
    <message>
        <source>Arrival time</source>
        <translation>Ώρα άφιξης</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Μέγεθος</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Αποστολέας</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Παραλήπτες</translation>
    </message>
    <message>
        <source>Delay reason</source>
        <translation>Αιτία καθυστέρησης</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 byte</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueuePage</name>
    <message>
        <source>Messages</source>
        <translation>Μηνύματα</translation>
    </message>
    <message>
        <source>Shape by domain and age (qshape)</source>
        <translation>Κατανομή ανά τομέα και ηλικία (qshape)</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Ουρά</translation>
    </message>
    <message>
        <source>Selected messages</source>
        <translation>Επιλεγμένα μηνύματα</translation>
    </message>
    <message>
        <source>Every message the filter matches</source>
        <translation>Όλα τα μηνύματα που ταιριάζουν στο φίλτρο</translation>
    </message>
    <message>
        <source>Act on:</source>
        <translation>Ενέργεια σε:</translation>
    </message>
    <message>
        <source>Show message</source>
        <translation>Εμφάνιση μηνύματος</translation>
    </message>
    <message>
        <source>Recipient domain</source>
        <translation>Τομέας παραλήπτη</translation>
    </message>
    <message>
        <source>Sender domain</source>
        <translation>Τομέας αποστολέα</translation>
    </message>
    <message>
        <source>All hosts, added up</source>
        <translation>Όλοι οι διακομιστές, αθροιστικά</translation>
    </message>
    <message>
        <source>Equal age buckets</source>
        <translation>Ίσα διαστήματα ηλικίας</translation>
    </message>
    <message>
        <source>By:</source>
        <translation>Κατά:</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Διακομιστής:</translation>
    </message>
    <message>
        <source>None of the selected messages is in a queue that this action applies to.</source>
        <translation>Κανένα από τα επιλεγμένα μηνύματα δεν βρίσκεται σε ουρά στην οποία εφαρμόζεται αυτή η ενέργεια.</translation>
    </message>
    <message>
        <source>Select messages first, or act on every message the filter matches.</source>
        <translation>Επιλέξτε πρώτα μηνύματα ή ενεργήστε σε όλα τα μηνύματα που ταιριάζουν στο φίλτρο.</translation>
    </message>
    <message numerus="yes">
        <source>%n selected message(s) left out: not in a queue that this action applies to.</source>
        <translation>
            <numerusform>Παραλείφθηκε %n επιλεγμένο μήνυμα: δεν βρίσκεται σε ουρά στην οποία εφαρμόζεται αυτή η ενέργεια.</numerusform>
            <numerusform>Παραλείφθηκαν %n επιλεγμένα μηνύματα: δεν βρίσκονται σε ουρά στην οποία εφαρμόζεται αυτή η ενέργεια.</numerusform>
        </translation>
    </message>
    <message>
        <source>The filter&apos;s queue holds no message that this action applies to.</source>
        <translation>Η ουρά του φίλτρου δεν περιέχει μήνυμα στο οποίο εφαρμόζεται αυτή η ενέργεια.</translation>
    </message>
    <message>
        <source>Counting the matching messages…</source>
        <translation>Καταμέτρηση των μηνυμάτων που ταιριάζουν…</translation>
    </message>
    <message>
        <source>Not counted and left alone: %1.</source>
        <translation>Δεν μετρήθηκαν και δεν αγγίζονται: %1.</translation>
    </message>
    <message>
        <source>Confirm: %1</source>
        <translation>Επιβεβαίωση: %1</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Σε εξέλιξη…</translation>
    </message>
    <message>
        <source>%1 of %2 messages loaded</source>
        <translation>Φορτώθηκαν %1 από %2 μηνύματα</translation>
    </message>
    <message>
        <source> (loading…)</source>
        <translation> (φόρτωση…)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>not shown: %1</source>
        <translation>δεν εμφανίζονται: %1</translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueueShapeModel</name>
    <message>
        <source>Sender domain</source>
        <translation>Τομέας αποστολέα</translation>
    </message>
    <message>
        <source>Recipient domain</source>
        <translation>Τομέας παραλήπτη</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Σύνολο</translation>
    </message>
    <message>
        <source>%1 minutes old or older</source>
        <translation>%1 λεπτά ή παλαιότερα</translation>
    </message>
    <message>
        <source>from %1 to %2 minutes old</source>
        <translation>από %1 έως %2 λεπτά</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>its age buckets differ from the other hosts&apos;</source>
        <translation>τα διαστήματα ηλικίας του διαφέρουν από των άλλων διακομιστών</translation>
    </message>
</context>
<context>
    <name>mailng::gui::ReplyText</name>
    <message>
        <source>not connected</source>
        <translation>μη συνδεδεμένος</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>καμία απάντηση εγκαίρως</translation>
    </message>
    <message>
        <source>failed (error %1)</source>
        <translation>απέτυχε (σφάλμα %1)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 (%2).</source>
        <translation>%1 (%2).</translation>
    </message>
    <message>
        <source>%1.</source>
        <translation>%1.</translation>
    </message>
    <message>
        <source>Failed on %1.</source>
        <translation>Απέτυχε στους: %1.</translation>
    </message>
</context>
<context>
    <name>mailng::gui::ScreenshotTaker</name>
    <message>
        <source>Saved %1 (%2 x %3).</source>
        <translation>Αποθηκεύτηκε το %1 (%2 x %3).</translation>
    </message>
    <message>
        <source>Cannot write the image %1.</source>
        <translation>Δεν είναι δυνατή η εγγραφή της εικόνας %1.</translation>
    </message>
</context>
<context>
    <name>mailng::gui::format</name>
    <message>
        <source>%1 KB</source>
        <translation>%1 KB</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>%1 TB</source>
        <translation>%1 TB</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 δευτ.</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 λεπ.</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 ώρ. %2 λεπ.</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 ημ. %2 ώρ.</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>πριν από %1</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The mailng console: one window over the mail cluster.</source>
        <translation>Η κονσόλα mailng: ένα παράθυρο για όλη τη συστοιχία αλληλογραφίας.</translation>
    </message>
    <message>
        <source>The cluster file to open.</source>
        <translation>Το αρχείο συστοιχίας που θα ανοίξει.</translation>
    </message>
    <message>
        <source>Open the lab in DIR (DIR/lab.json).</source>
        <translation>Άνοιγμα του εργαστηρίου στον φάκελο DIR (DIR/lab.json).</translation>
    </message>
    <message>
        <source>Save the window after the first refresh and exit.</source>
        <translation>Αποθήκευση του παραθύρου μετά την πρώτη ανανέωση και έξοδος.</translation>
    </message>
    <message>
        <source>The page to show: dashboard, queue, quarantine, director, audit.</source>
        <translation>Η σελίδα που θα εμφανιστεί: dashboard, queue, quarantine, director, audit.</translation>
    </message>
    <message>
        <source>give --cluster or --lab, not both</source>
        <translation>δώστε --cluster ή --lab, όχι και τα δύο</translation>
    </message>
    <message>
        <source>--screenshot needs --cluster or --lab</source>
        <translation>το --screenshot χρειάζεται --cluster ή --lab</translation>
    </message>
    <message>
        <source>no page called %1</source>
        <translation>δεν υπάρχει σελίδα με όνομα %1</translation>
    </message>
</context>
</TS>
