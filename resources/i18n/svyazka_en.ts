<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>CheckTab</name>
    <message numerus="yes">
        <source>%n difference(s) found. Pick a kind on the left and press «Fix…», or export the list.</source>
        <translation>
            <numerusform>%n difference found. Pick a kind on the left and press «Fix…», or export the list.</numerusform>
            <numerusform>%n differences found. Pick a kind on the left and press «Fix…», or export the list.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n line(s) to {path}.</source>
        <translation>
            <numerusform>Saved %n line to {path}.</numerusform>
            <numerusform>Saved %n lines to {path}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConflictsTab</name>
    <message numerus="yes">
        <source>%n conflict(s).</source>
        <translation>
            <numerusform>%n conflict.</numerusform>
            <numerusform>%n conflicts.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved for %n conflict(s). The decisions apply on the next sync.</source>
        <translation>
            <numerusform>Saved for %n conflict. The decision applies on the next sync.</numerusform>
            <numerusform>Saved for %n conflicts. The decisions apply on the next sync.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message numerus="yes">
        <source>Found %n pair(s)</source>
        <translation>
            <numerusform>Found %n pair</numerusform>
            <numerusform>Found %n pairs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n only in MoySklad</source>
        <translation>
            <numerusform>%n only in MoySklad</numerusform>
            <numerusform>%n only in MoySklad</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n only in RetailCRM</source>
        <translation>
            <numerusform>%n only in RetailCRM</numerusform>
            <numerusform>%n only in RetailCRM</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate SKU(s)</source>
        <translation>
            <numerusform>%n duplicate SKU</numerusform>
            <numerusform>%n duplicate SKUs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) would go to MoySklad.</source>
        <translation>
            <numerusform>%n order would go to MoySklad.</numerusform>
            <numerusform>%n orders would go to MoySklad.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Review the conflicts before the first sync: %n need(s) a decision.</source>
        <translation>
            <numerusform>Review the conflicts before the first sync: %n needs a decision.</numerusform>
            <numerusform>Review the conflicts before the first sync: %n need a decision.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Matched by this key: {matched} of %n MoySklad item(s)</source>
        <translation>
            <numerusform>Matched by this key: {matched} of %n MoySklad item</numerusform>
            <numerusform>Matched by this key: {matched} of %n MoySklad items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>RetailCRM has %n active offer(s).</source>
        <translation>
            <numerusform>RetailCRM has %n active offer.</numerusform>
            <numerusform>RetailCRM has %n active offers.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LogTab</name>
    <message numerus="yes">
        <source>Copied %n line(s).</source>
        <translation>
            <numerusform>Copied %n line.</numerusform>
            <numerusform>Copied %n lines.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n line(s) to {path}.</source>
        <translation>
            <numerusform>Saved %n line to {path}.</numerusform>
            <numerusform>Saved %n lines to {path}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) match the filters.</source>
        <translation>
            <numerusform>%n line matches the filters.</numerusform>
            <numerusform>%n lines match the filters.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message numerus="yes">
        <source>%n conflict(s) need a decision.</source>
        <translation>
            <numerusform>%n conflict needs a decision.</numerusform>
            <numerusform>%n conflicts need a decision.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new conflict(s) need your decision. Open the Conflicts tab.</source>
        <translation>
            <numerusform>%n new conflict needs your decision. Open the Conflicts tab.</numerusform>
            <numerusform>%n new conflicts need your decision. Open the Conflicts tab.</numerusform>
        </translation>
    </message>
</context>
</TS>
