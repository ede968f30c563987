{{%AUTOESCAPE context="HTML"}}
{{!
  One section with its blocks, then its subsections (this template includes
  itself, so nesting depth follows the dictionary). Heading level is chosen by
  the renderer through the H2..H6 sections. Section tags stand on lines of
  their own so that hidden branches leave no blank lines behind.
}}<section class="section level-{{LEVEL}}" id="{{ANCHOR}}">
{{#H2}}
<h2>{{TITLE}}<a class="anchor" href="#{{ANCHOR}}" aria-hidden="true">#</a></h2>
{{/H2}}
{{#H3}}
<h3>{{TITLE}}<a class="anchor" href="#{{ANCHOR}}" aria-hidden="true">#</a></h3>
{{/H3}}
{{#H4}}
<h4>{{TITLE}}<a class="anchor" href="#{{ANCHOR}}" aria-hidden="true">#</a></h4>
{{/H4}}
{{#H5}}
<h5>{{TITLE}}<a class="anchor" href="#{{ANCHOR}}" aria-hidden="true">#</a></h5>
{{/H5}}
{{#H6}}
<h6>{{TITLE}}<a class="anchor" href="#{{ANCHOR}}" aria-hidden="true">#</a></h6>
{{/H6}}
{{#BLOCK}}
{{>BLOCK_BODY}}
{{/BLOCK}}
{{#SUBSECTION}}
{{>SUBSECTION_BODY}}
{{/SUBSECTION}}
</section>
