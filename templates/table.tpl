{{%AUTOESCAPE context="HTML"}}
{{!
  A data table: caption, header, one class per column (num = right-aligned
  tabular figures), highlighted rows. The wrapper scrolls wide tables. The
  page script sorts by a column on a click on its header (data-sort: num or
  text); without the script the table reads the same, unsorted.
}}<figure class="table-figure">
{{#CAPTION}}
<figcaption>{{TEXT}}</figcaption>
{{/CAPTION}}
<div class="table-scroll">
<table class="data sortable">
<thead>
<tr>{{#COL}}<th scope="col" class="{{ALIGN}}" data-sort="{{SORT}}">{{NAME}}</th>{{/COL}}</tr>
</thead>
<tbody>
{{#ROW}}
<tr{{#HL}} class="hl"{{/HL}}>{{#CELL}}<td class="{{ALIGN}}"{{#HAS_TIP}} title="{{TIP}}"{{/HAS_TIP}}>{{TEXT}}</td>{{/CELL}}</tr>
{{/ROW}}
</tbody>
</table>
</div>
</figure>
