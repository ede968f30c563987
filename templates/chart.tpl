{{%AUTOESCAPE context="HTML"}}
{{!
  One chart: inline SVG drawn by sm-report (trusted markup, :none), or a
  placeholder box with the chart title when the chart could not be drawn.
}}<figure class="chart" aria-label="{{TITLE}}"{{#DATA}} data-series="{{SERIES}}" data-bands="{{BANDS}}"{{/DATA}}>
{{#SVG}}
{{MARKUP:none}}
{{/SVG}}
{{#PLACEHOLDER}}
<div class="chart-placeholder"><strong>{{TITLE}}</strong><span>Chart not available</span></div>
{{/PLACEHOLDER}}
</figure>
