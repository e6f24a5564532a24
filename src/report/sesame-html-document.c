/* sesame-html-document.c: the pieces of the printable HTML pages
 *
 * The checklist and the router change checklist share one stylesheet, the
 * step lists, the forwarding table with its tick boxes and the warnings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-html-document"

#include "config.h"

#include "sesame-html-document.h"
#include "sesame-text-document.h"

static const char stylesheet[] =
  "body{font-family:system-ui,'Noto Sans','Noto Sans CJK JP',sans-serif;max-width:52em;"
  "margin:2em auto;padding:0 1em;line-height:1.5;color:#1e1e1e;background:#fff}"
  "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;"
  "border-bottom:1px solid #ccc;padding-bottom:.2em}"
  "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dl.meta dt{font-weight:bold}"
  "dl.meta dd{margin:0}"
  ".warning{border-left:4px solid #e5a50a;background:#fdf6e3;padding:.5em 1em;margin:.6em 0}"
  ".critical{border-left:4px solid #c01c28;background:#fbe9eb}"
  ".conflict{border-left:4px solid #c01c28;background:#fbe9eb;padding:.5em 1em;margin:.6em 0}"
  "ul.changes li{margin:.3em 0}"
  "table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.92em}"
  "th,td{border:1px solid #999;padding:.25em .4em;text-align:left;vertical-align:top}"
  "th{background:#eee;white-space:nowrap}td.tick{text-align:center;width:1%}"
  "td.n{white-space:nowrap;font-variant-numeric:tabular-nums}"
  "td.tick input{width:1.2em;height:1.2em}"
  "pre{background:#f4f4f4;padding:.4em .6em;overflow-x:auto;white-space:pre-wrap;"
  "font-family:'DejaVu Sans Mono','Noto Sans Mono CJK JP',monospace;font-size:.9em}"
  "ol li{margin:.3em 0}"
  "@page{margin:15mm}"
  "@media print{body{margin:0;max-width:none}tr,li,.warning,.conflict,pre{break-inside:avoid}"
  "h2{break-after:avoid}a{color:inherit;text-decoration:none}}";

/* <!DOCTYPE html> to <body>: one self-contained page, no scripts, nothing fetched */
void
sesame_html_begin (GString    *out,
                   const char *language,
                   const char *title)
{
  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", language);
  g_string_append (out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  sesame_html_element (out, "<title>", title, "</title>\n");
  g_string_append_printf (out, "<style>%s</style>\n</head>\n<body>\n", stylesheet);
}

void
sesame_html_escaped (GString    *out,
                     const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

void
sesame_html_element (GString    *out,
                     const char *open,
                     const char *text,
                     const char *close)
{
  g_string_append (out, open);
  sesame_html_escaped (out, text);
  g_string_append (out, close);
}

void
sesame_html_steps (GString   *out,
                   GPtrArray *steps)
{
  if (steps->len == 0)
    return;

  g_string_append (out, "<ol>\n");
  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);

      sesame_html_element (out, "<li>", step->text, "");
      if (step->command != NULL)
        sesame_html_element (out, "<pre><code>", step->command, "</code></pre>");
      g_string_append (out, "</li>\n");
    }
  g_string_append (out, "</ol>\n");
}

/* Forwarding rows with a tick box each; @css_class names the table ("forwards add") */
void
sesame_html_forwards (GString         *out,
                      SesameChecklist *checklist,
                      GPtrArray       *forwards,
                      const char      *css_class)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  gboolean judged = sesame_checklist_get_findings (checklist) != NULL;

  if (forwards->len == 0)
    return;

  g_string_append_printf (out, "<table class=\"%s\">\n<thead><tr>", css_class);
  sesame_html_element (out, "<th>", TC_ (tr, "column", "Done"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "Protocol"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "External port"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "Server address"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "Internal port"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "For"), "</th>");
  if (judged)
    sesame_html_element (out, "<th>", TC_ (tr, "column", "Can it work?"), "</th>");
  g_string_append (out, "</tr></thead>\n<tbody>\n");

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      g_autofree char *works = sesame_forward_works_text (checklist, forward);
      const char *protocol = sesame_checklist_format_protocol (checklist, forward->protocol);
      g_autofree char *external = sesame_port_range_to_string (&forward->external);
      g_autofree char *internal = sesame_port_range_to_string (&forward->internal);
      g_autofree char *names = sesame_checklist_join_names (checklist, forward->names);
      /* Translators: the accessible name of a tick box, "Done: TCP 80" */
      g_autofree char *label = g_strdup_printf (T_ (tr, "Done: %s %s"), protocol, external);
      g_autofree char *escaped_label = g_markup_escape_text (label, -1);

      g_string_append_printf (out, "<tr><td class=\"tick\"><input type=\"checkbox\" aria-label=\"%s\"></td>",
                              escaped_label);
      sesame_html_element (out, "<td class=\"n\">", protocol, "</td>");
      sesame_html_element (out, "<td class=\"n\">", external, "</td>");
      sesame_html_element (out, "<td class=\"n\">", forward->internal_address, "</td>");
      sesame_html_element (out, "<td class=\"n\">", internal, "</td>");
      sesame_html_element (out, "<td>", names, "</td>");
      /* A row that cannot work stands out without a stylesheet change */
      if (works != NULL && sesame_checklist_forward_works (checklist, forward, NULL) == SESAME_WORKS_NO)
        sesame_html_element (out, "<td><strong>", works, "</strong></td>");
      else if (works != NULL)
        sesame_html_element (out, "<td>", works, "</td>");
      g_string_append (out, "</tr>\n");
    }

  g_string_append (out, "</tbody>\n</table>\n");
}

/* What the checks found, before anything else: blockers first */
void
sesame_html_findings (GString           *out,
                      SesameTranslation *tr,
                      GPtrArray         *findings)
{
  gboolean any = FALSE;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    any |= sesame_finding_shown (g_ptr_array_index (findings, i));
  if (!any)
    return;

  sesame_html_element (out, "<h2>", T_ (tr, "What the checks found"), "</h2>\n");

  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      if (!sesame_finding_shown (finding))
        continue;

      g_string_append_printf (out, "<div class=\"warning %s\" id=\"finding-%s\"><p><strong>",
                              finding->severity == SESAME_FINDING_SEVERITY_BLOCKER ? "critical" : "",
                              finding->id);
      sesame_html_element (out, "", finding->title, "</strong> ");
      sesame_html_element (out, "", finding->text, "</p>");
      if (finding->explanation != NULL)
        sesame_html_element (out, "<p class=\"explanation\">", finding->explanation, "</p>");
      if (finding->action != NULL)
        {
          sesame_html_element (out, "<p><em>", T_ (tr, "What to do instead"), ":</em> ");
          sesame_html_element (out, "", finding->action, "</p>");
        }
      g_string_append (out, "</div>\n");
    }
}

/* "Read this first": conflicts, then warnings, the most serious first */
void
sesame_html_warnings (GString           *out,
                      SesameTranslation *tr,
                      GPtrArray         *warnings,
                      GPtrArray         *conflicts)
{
  if (warnings->len == 0 && conflicts->len == 0)
    return;

  sesame_html_element (out, "<h2>", T_ (tr, "Read this first"), "</h2>\n");

  for (guint i = 0; i < conflicts->len; i++)
    {
      const SesameConflict *conflict = g_ptr_array_index (conflicts, i);

      sesame_html_element (out, "<div class=\"conflict\"><p><strong>", TC_ (tr, "severity", "Conflict"), ":</strong> ");
      sesame_html_element (out, "", conflict->text, "</p></div>\n");
    }

  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);
      const char *label = sesame_severity_label (tr, warning->severity);

      g_string_append_printf (out, "<div class=\"warning %s\"><p><strong>",
                              sesame_severity_to_string (warning->severity));
      sesame_html_element (out, "", label, ":</strong> ");
      sesame_html_element (out, "", warning->text, "</p>");
      if (warning->advice != NULL)
        {
          sesame_html_element (out, "<p><em>", T_ (tr, "What to do instead"), ":</em> ");
          sesame_html_element (out, "", warning->advice, "</p>");
        }
      g_string_append (out, "</div>\n");
    }
}

static void
write_group_lists (GString         *out,
                   SesameChecklist *checklist,
                   GArray          *lists)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);

  for (guint l = 0; l < lists->len; l++)
    {
      const SesameGroupList *list = &g_array_index (lists, SesameGroupList, l);

      sesame_html_element (out, "<p>", list->intro, "</p>\n");
      g_string_append (out, "<table>\n<thead><tr>");
      sesame_html_element (out, "<th>", TC_ (tr, "column", "Protocol"), "</th>");
      sesame_html_element (out, "<th>", TC_ (tr, "column", "Ports"), "</th>");
      sesame_html_element (out, "<th>", TC_ (tr, "column", "For"), "</th>");
      g_string_append (out, "</tr></thead>\n<tbody>\n");

      for (guint i = 0; i < list->groups->len; i++)
        {
          const SesamePortGroup *group = g_ptr_array_index (list->groups, i);
          g_autofree char *ports = sesame_port_range_to_string (&group->ports);
          g_autofree char *names = sesame_checklist_join_names (checklist, group->names);

          g_string_append (out, "<tr>");
          sesame_html_element (out, "<td class=\"n\">", sesame_checklist_format_protocol (checklist, group->protocol), "</td>");
          sesame_html_element (out, "<td class=\"n\">", ports, "</td>");
          sesame_html_element (out, "<td>", names, "</td>");
          g_string_append (out, "</tr>\n");
        }

      g_string_append (out, "</tbody>\n</table>\n");
    }
}

static void
write_changes (GString    *out,
               GPtrArray  *changes,
               const char *empty_text)
{
  if (changes->len == 0)
    {
      sesame_html_element (out, "<p>", empty_text, "</p>\n");
      return;
    }

  g_string_append (out, "<ul class=\"changes\">\n");
  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (changes, i);

      g_string_append_printf (out, "<li data-kind=\"%s\">", sesame_change_kind_to_string (change->kind));
      sesame_html_element (out, "", change->text, "</li>\n");
    }
  g_string_append (out, "</ul>\n");
}

/**
 * sesame_html_outline:
 * @out: where to write
 * @checklist: the checklist (the new one of a router change) for names and labels
 * @language: the page's language
 * @outline: what to write
 *
 * Writes one self-contained, printable page: how each kind of section looks in HTML.
 */
void
sesame_html_outline (GString             *out,
                     SesameChecklist     *checklist,
                     const char          *language,
                     const SesameOutline *outline)
{
  static const char * const rows_classes[] = { "forwards", "forwards add", "forwards remove" };
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  guint number = 0;

  sesame_html_begin (out, language, outline->title);
  sesame_html_element (out, "<h1>", outline->title, "</h1>\n");

  g_string_append (out, "<dl class=\"meta\">\n");
  for (guint i = 0; i < outline->labels->len; i++)
    {
      sesame_html_element (out, "<dt>", g_ptr_array_index (outline->labels, i), "</dt>");
      sesame_html_element (out, "<dd>", g_ptr_array_index (outline->values, i), "</dd>\n");
    }
  g_string_append (out, "</dl>\n");

  for (guint s = 0; s < outline->sections->len; s++)
    {
      const SesameSection *section = g_ptr_array_index (outline->sections, s);

      if (section->kind == SESAME_SECTION_FINDINGS)
        {
          sesame_html_findings (out, tr, section->items);
          continue;
        }
      if (section->kind == SESAME_SECTION_WARNINGS)
        {
          sesame_html_warnings (out, tr, section->items, section->conflicts);
          continue;
        }

      if (section->numbered)
        g_string_append_printf (out, "<h2>%u. ", ++number);
      else
        g_string_append (out, "<h2>");
      sesame_html_element (out, "", section->title, "</h2>\n");

      for (guint i = 0; i < section->paragraphs->len; i++)
        sesame_html_element (out, "<p>", g_ptr_array_index (section->paragraphs, i), "</p>\n");
      if (section->kind == SESAME_SECTION_CHANGES)
        write_changes (out, section->items, section->empty_text);
      else if (section->kind == SESAME_SECTION_PORT_GROUPS)
        write_group_lists (out, checklist, section->lists);
      if (section->steps != NULL)
        sesame_html_steps (out, section->steps);
      if (section->forwards != NULL)
        sesame_html_forwards (out, checklist, section->forwards, rows_classes[section->rows_role]);
    }

  g_string_append (out, "</body>\n</html>\n");
}
