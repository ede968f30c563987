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
<div class="chart-row cols-{{COLUMNS}}">
{{#ROW_ITEM}}
{{>CHART_BODY}}
{{/ROW_ITEM}}
</div>
{{/CHART_ROW}}
{{#FINDINGS}}
<ol class="findings">
{{#FINDING}}
<li class="finding finding-{{SEVERITY}}" data-rule="{{RULE}}" data-stage="{{STAGE}}"><span class="finding-badge">{{LABEL}}</span>
<div class="finding-body">
<p class="finding-head">{{#LINK}}<a class="finding-title" href="#{{ANCHOR}}">{{TITLE}}</a>{{/LINK}}{{#NOLINK}}<span class="finding-title">{{TITLE}}</span>{{/NOLINK}}{{#STAGE_TAG}} <span class="finding-stage">{{TEXT}}</span>{{/STAGE_TAG}}</p>
{{#WHERE}}<span class="finding-where">{{TEXT}}</span>{{/WHERE}}
{{#EVIDENCE}}<span class="finding-evidence">{{TEXT}}</span>{{/EVIDENCE}}
{{#IMPACT}}<span class="finding-impact">{{TEXT}}</span>{{/IMPACT}}
{{#ACTION}}<span class="finding-action">{{TEXT}}</span>{{/ACTION}}
</div>
</li>
{{/FINDING}}
</ol>
{{/FINDINGS}}
{{#DETAILS}}
<details class="detail">
<summary>{{SUMMARY}}</summary>
<div class="detail-body">
{{#CHILD}}
{{>CHILD_BODY}}
{{/CHILD}}
</div>
</details>
{{/DETAILS}}
