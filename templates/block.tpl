{{%AUTOESCAPE context="HTML"}}
{{!
  One block of a section (section.tpl). A DETAILS block holds further blocks
  and includes this template for each of them.
}}{{#PARAGRAPH}}
<p>{{TEXT}}</p>
{{/PARAGRAPH}}
{{#NOTE}}
<div class="note note-{{SEVERITY}}" role="note"><span class="note-label">{{LABEL}}</span><p>{{TEXT}}</p></div>
{{/NOTE}}
{{#KEY_VALUES}}
<table class="kv">
<tbody>
{{#KV}}
<tr><th scope="row">{{KEY}}</th><td>{{VALUE}}</td></tr>
{{/KV}}
</tbody>
</table>
{{/KEY_VALUES}}
{{#TABLE}}
{{>TABLE_BODY}}
{{/TABLE}}
{{#CHART}}
<div class="chart-single">
{{>CHART_BODY}}
</div>
{{/CHART}}
{{#CHART_ROW}}
<div class="chart-row">
{{#ROW_ITEM}}
{{>CHART_BODY}}
{{/ROW_ITEM}}
</div>
{{/CHART_ROW}}
{{#FINDINGS}}
<ol class="findings">
{{#FINDING}}
<li class="finding finding-{{SEVERITY}}" data-rule="{{RULE}}" data-stage="{{STAGE}}"><a class="finding-title" href="#{{ANCHOR}}">{{TITLE}}</a>
{{#WHERE}}<span class="finding-where">{{TEXT}}</span>{{/WHERE}}
{{#EVIDENCE}}<span class="finding-evidence">{{TEXT}}</span>{{/EVIDENCE}}
{{#IMPACT}}<span class="finding-impact">{{TEXT}}</span>{{/IMPACT}}
{{#ACTION}}<span class="finding-action">{{TEXT}}</span>{{/ACTION}}
</li>
{{/FINDING}}
</ol>
{{/FINDINGS}}
{{#DETAILS}}
<details class="detail">
<summary>{{SUMMARY}}</summary>
{{#CHILD}}
{{>CHILD_BODY}}
{{/CHILD}}
</details>
{{/DETAILS}}
