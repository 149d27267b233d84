<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>mailng::gui::AuditPage</name>
    <message numerus="yes">
        <source>%n audit entries shown</source>
        <translation><numerusform>%n audit entry shown</numerusform><numerusform>%n audit entries shown</numerusform></translation>
    </message>
</context>
<context>
    <name>mailng::gui::BackendDrain</name>
    <message numerus="yes">
        <source>%n session(s) remain; kicking again</source>
        <translation><numerusform>%n session remains; kicking again</numerusform><numerusform>%n sessions remain; kicking again</numerusform></translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantinePage</name>
    <message numerus="yes">
        <source>%n message(s) released</source>
        <translation><numerusform>%n message released</numerusform><numerusform>%n messages released</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Delete %n quarantined message(s)</source>
        <translation><numerusform>Delete %n quarantined message</numerusform><numerusform>Delete %n quarantined messages</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) deleted</source>
        <translation><numerusform>%n message deleted</numerusform><numerusform>%n messages deleted</numerusform></translation>
    </message>
</context>
<context>
    <name>mailng::gui::QuarantineReleaseDialog</name>
    <message numerus="yes">
        <source>Release %n message(s):</source>
        <translation><numerusform>Release %n message:</numerusform><numerusform>Release %n messages:</numerusform></translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueueActionText</name>
    <message numerus="yes">
        <source>Put %n message(s) on hold</source>
        <translation><numerusform>Put %n message on hold</numerusform><numerusform>Put %n messages on hold</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Release %n message(s) from hold</source>
        <translation><numerusform>Release %n message from hold</numerusform><numerusform>Release %n messages from hold</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Requeue %n message(s)</source>
        <translation><numerusform>Requeue %n message</numerusform><numerusform>Requeue %n messages</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Delete %n message(s)</source>
        <translation><numerusform>Delete %n message</numerusform><numerusform>Delete %n messages</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n host(s)</source>
        <translation><numerusform>%n host</numerusform><numerusform>%n hosts</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) put on hold</source>
        <translation><numerusform>%n message put on hold</numerusform><numerusform>%n messages put on hold</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) released from hold</source>
        <translation><numerusform>%n message released from hold</numerusform><numerusform>%n messages released from hold</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) requeued</source>
        <translation><numerusform>%n message requeued</numerusform><numerusform>%n messages requeued</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) deleted</source>
        <translation><numerusform>%n message deleted</numerusform><numerusform>%n messages deleted</numerusform></translation>
    </message>
</context>
<context>
    <name>mailng::gui::QueuePage</name>
    <message numerus="yes">
        <source>%n selected message(s) left out: not in a queue that this action applies to.</source>
        <translation><numerusform>%n selected message left out: not in a queue that this action applies to.</numerusform><numerusform>%n selected messages left out: not in a queue that this action applies to.</numerusform></translation>
    </message>
</context>
</TS>
