"""XSS vectors for tests/browser/test_xss.py, grouped by filter-evasion family.

Every vector that executes calls ``__xss(<id>)``, ``alert`` or ``confirm``;
the browser test defines ``window.__xss`` and wraps the dialogs before any page
script runs, so a vector that executes anywhere is recorded. Vectors that need
an interaction (a click, a mouse-over) are also caught structurally: the test
asserts that no element of the rendered page carries an ``on*`` attribute or a
``javascript:``/``vbscript:``/``data:`` link.
"""

VECTORS = [
    # --- plain script elements and breaking out of contexts
    "<script>__xss('script')</script>",
    "<SCRIPT SRC=//xss.invalid/x.js></SCRIPT>",
    "<script>alert(1)</script>",
    "</title><script>__xss('title-break')</script>",
    "</textarea><script>__xss('textarea-break')</script>",
    "\"><script>__xss('attr-break')</script>",
    "'><script>__xss('attr-break-single')</script>",
    '" onmouseover="__xss(\'attr-inject\')" x="',
    "' autofocus onfocus='__xss(\"attr-inject-single\")' x='",
    "</script><script>__xss('script-break')</script>",
    "<!--<script>__xss('comment-script')</script>-->",
    # --- event handlers
    "<img src=x onerror=__xss('img-onerror')>",
    "<img src=x onerror=\"__xss('img-onerror-quoted')\">",
    "<IMG SRC=x OnErRoR=__xss('img-mixed-case')>",
    "<img/src=x/onerror=__xss('img-slashes')>",
    "<img src=x onerror=__xss`img-backtick`>",
    "<body onload=__xss('body-onload')>",
    "<input autofocus onfocus=__xss('input-autofocus')>",
    "<details open ontoggle=__xss('details-toggle')>",
    "<video><source onerror=__xss('video-source')></video>",
    "<audio src=x onerror=__xss('audio-onerror')>",
    "<marquee onstart=__xss('marquee')>x</marquee>",
    "<div onmouseover=__xss('div-hover')>hover</div>",
    "<a href=# onclick=__xss('a-onclick')>click</a>",
    "<iframe onload=__xss('iframe-onload')></iframe>",
    "<select autofocus onfocus=__xss('select-focus')></select>",
    "<textarea autofocus onfocus=__xss('textarea-focus')></textarea>",
    "<keygen autofocus onfocus=__xss('keygen')>",
    "<img src=x:x onerror&#61;__xss('entity-equals')>",
    "<img src=x onerror=&#95;&#95;xss('entity-in-handler')>",
    # --- javascript:, vbscript: and data: URLs in many spellings
    "<a href=\"javascript:__xss('js-href')\">x</a>",
    "<a href=\"JaVaScRiPt:__xss('js-mixed-case')\">x</a>",
    "<a href=\" javascript:__xss('js-leading-space')\">x</a>",
    "<a href=\"java\tscript:__xss('js-tab')\">x</a>",
    "<a href=\"java&#x09;script:__xss('js-entity-tab')\">x</a>",
    "<a href=\"java&#10;script:__xss('js-entity-newline')\">x</a>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;'
    "__xss('js-dec')\">x</a>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;__xss(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    "&#0000112&#0000116&#0000058__xss('js-padded')\">x</a>",
    "<a href=\"javascript&colon;__xss('js-named-colon')\">x</a>",
    "<a href=\"jav&#x0D;ascript:__xss('js-cr')\">x</a>",
    "<a href=\"%6A%61%76%61%73%63%72%69%70%74:__xss('js-percent')\">x</a>",
    "<a href=\"vbscript:msgbox('vb')\">x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<img src=\"javascript:__xss('img-js-src')\">",
    "<iframe src=\"javascript:__xss('iframe-js')\"></iframe>",
    "<iframe srcdoc=\"<script>parent.__xss('srcdoc')</script>\"></iframe>",
    "<object data=\"javascript:__xss('object-data')\"></object>",
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "<form action=\"javascript:__xss('form-action')\"><button>go</button></form>",
    "<button formaction=\"javascript:__xss('formaction')\">go</button>",
    '<meta http-equiv="refresh" content="0;url=javascript:__xss(\'meta-refresh\')">',
    "<base href=\"javascript:__xss('base-href')//\">",
    # --- SVG and MathML
    "<svg onload=__xss('svg-onload')>",
    "<svg><script>__xss('svg-script')</script></svg>",
    "<svg><animate onbegin=__xss('svg-animate') attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:__xss('svg-xlink')\"><text y=20>x</text></a></svg>",
    "<svg><foreignObject><img src=x onerror=__xss('svg-foreign')></foreignObject></svg>",
    "<svg><set attributeName=onmouseover to=__xss('svg-set')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss('math-mxss')></style>",
    "<math href=\"javascript:__xss('math-href')\">x</math>",
    "<svg><style><img src=x onerror=__xss('svg-style-mxss')></style></svg>",
    # --- malformed, nested and unclosed tags
    "<<script>__xss('double-lt')//<</script>",
    "<scr<script>ipt>__xss('nested-script')</scr</script>ipt>",
    '<img """><script>__xss(\'quotes\')</script>">',
    "<img src=x onerror=__xss('unclosed')",
    "<a href=\"x\"<img src=x onerror=__xss('broken-a')>",
    "<p title=\"</p><img src=x onerror=__xss('title-attr')>\">x</p>",
    "<noscript><p title=\"</noscript><img src=x onerror=__xss('noscript-mxss')>\"></noscript>",
    "<template><script>__xss('template')</script></template>",
    "<xmp><img src=x onerror=__xss('xmp')></xmp>",
    "<listing>&lt;img src=x onerror=__xss('listing')&gt;</listing>",
    "<div/onmouseover='__xss(\"div-slash\")'>x</div>",
    "<img src=`x`onerror=__xss('backtick-attr')>",
    # --- comments and conditional comments
    "<!--><img src=x onerror=__xss('comment-short')>-->",
    "<!-- --!><img src=x onerror=__xss('comment-bang')>-->",
    "<!--[if gte IE 4]><script>__xss('conditional')</script><![endif]-->",
    "<![CDATA[<img src=x onerror=__xss('cdata')>]]>",
    "<? echo('<img src=x onerror=__xss(\"pi\")>'); ?>",
    # --- entity and other encodings
    "&lt;script&gt;__xss('entities')&lt;/script&gt;",
    "&#60;img src=x onerror=__xss('dec-lt')&#62;",
    "\\u003cimg src=x onerror=__xss('js-escape')\\u003e",
    "%3Cscript%3E__xss('percent')%3C/script%3E",
    "+ADw-script+AD4-__xss('utf7')+ADw-/script+AD4-",
    "<scrİpt>__xss('dotted-i')</scrİpt>",
    # --- CSS
    "<div style=\"background:url(javascript:__xss('css-url'))\">x</div>",
    "<div style=\"width:expression(__xss('css-expression'))\">x</div>",
    "<style>@import 'javascript:__xss(\"css-import\")';</style>",
    "<style>*{background:url(\"javascript:__xss('style-url')\")}</style>",
    "<link rel=stylesheet href=\"javascript:__xss('link-css')\">",
    '<div style="-moz-binding:url(//xss.invalid/x.xml#x)">x</div>',
    "<p style=\"x:\\65xpression(__xss('css-escape'))\">x</p>",
]

assert len(VECTORS) == len(set(VECTORS)), "duplicate vectors"
