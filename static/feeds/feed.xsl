<?xml version="1.0" encoding="utf-8"?>
<!-- finews: shows an RSS 2.0 or Atom feed opened in a browser as a readable page.
     Feed readers ignore it. Linked from each feed by <?xml-stylesheet?>. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/>（订阅源）</title>
        <link rel="stylesheet" href="/static/css/site.css"/>
      </head>
      <body>
        <main id="main" class="wrap feed-page">
          <p class="feed-note">这是一个订阅源（RSS / Atom）。把本页网址复制到阅读器（如 Feedly、Inoreader、NetNewsWire）即可订阅；下面是其中的最新新闻。</p>
          <h1 class="section-title"><xsl:value-of select="$title"/></h1>
          <p class="lead"><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
          <p><a>
            <xsl:attribute name="href">
              <xsl:value-of select="rss/channel/link | atom:feed/atom:link[not(@rel) or @rel='alternate']/@href"/>
            </xsl:attribute>
            访问网站 ›</a></p>
          <div class="article-list feed-items">
            <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <article class="card">
      <time><xsl:value-of select="substring(pubDate, 6, 17)"/></time>
      <div class="card-main">
        <h2 class="card-title"><a href="{link}"><xsl:value-of select="title"/></a></h2>
        <p class="feed-summary"><xsl:value-of select="description"/></p>
      </div>
    </article>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article class="card">
      <time><xsl:value-of select="translate(substring(atom:published, 1, 16), 'T', ' ')"/></time>
      <div class="card-main">
        <h2 class="card-title"><a href="{atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
        <p class="feed-summary"><xsl:value-of select="atom:summary"/></p>
      </div>
    </article>
  </xsl:template>
</xsl:stylesheet>
