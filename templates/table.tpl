{{%AUTOESCAPE context="HTML"}}
{{!
  A data table: caption, header, one class per column (num = right-aligned
  tabular figures), highlighted rows. The wrapper scrolls wide tables.
}}<figure class="table-figure">
{{#CAPTION}}
<figcaption>{{TEXT}}</figcaption>
{{/CAPTION}}
<div class="table-scroll">
<table class="data">
<thead>
<tr>{{#COL}}<th scope="col" class="{{ALIGN}}">{{NAME}}</th>{{/COL}}</tr>
</thead>
<tbody>
{{#ROW}}
<tr{{#HL}} class="hl"{{/HL}}>{{#CELL}}<td class="{{ALIGN}}">{{TEXT}}</td>{{/CELL}}</tr>
{{/ROW}}
</tbody>
</table>
</div>
</figure>
