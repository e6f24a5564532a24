/* sesame-html-writer.c: one self-contained, printable page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-html-writer"

#include "config.h"

#include "sesame-checklist-writer.h"
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

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

static void
element (GString    *out,
         const char *open,
         const char *text,
         const char *close)
{
  g_string_append (out, open);
  append_escaped (out, text);
  g_string_append (out, close);
}

static void
write_steps (GString   *out,
             GPtrArray *steps)
{
  g_string_append (out, "<ol>\n");
  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);

      element (out, "<li>", step->text, "");
      if (step->command != NULL)
        element (out, "<pre><code>", step->command, "</code></pre>");
      g_string_append (out, "</li>\n");
    }
  g_string_append (out, "</ol>\n");
}

static void
write_groups (GString           *out,
              SesameChecklist   *checklist,
              GPtrArray         *groups,
              const char        *intro)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);

  if (groups->len == 0)
    return;

  element (out, "<p>", intro, "</p>\n");
  g_string_append (out, "<table>\n<thead><tr>");
  element (out, "<th>", TC_ (tr, "column", "Protocol"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "Ports"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "For"), "</th>");
  g_string_append (out, "</tr></thead>\n<tbody>\n");

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *ports = sesame_port_range_to_string (&group->ports);
      g_autofree char *names = sesame_checklist_join_names (checklist, group->names);

      g_string_append (out, "<tr>");
      element (out, "<td class=\"n\">", sesame_checklist_format_protocol (checklist, group->protocol), "</td>");
      element (out, "<td class=\"n\">", ports, "</td>");
      element (out, "<td>", names, "</td>");
      g_string_append (out, "</tr>\n");
    }

  g_string_append (out, "</tbody>\n</table>\n");
}

static void
write_forwards (GString         *out,
                SesameChecklist *checklist)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);

  if (forwards->len == 0)
    return;

  g_string_append (out, "<table class=\"forwards\">\n<thead><tr>");
  element (out, "<th>", TC_ (tr, "column", "Done"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "Protocol"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "External port"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "Server address"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "Internal port"), "</th>");
  element (out, "<th>", TC_ (tr, "column", "For"), "</th>");
  g_string_append (out, "</tr></thead>\n<tbody>\n");

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      const char *protocol = sesame_checklist_format_protocol (checklist, forward->protocol);
      g_autofree char *external = sesame_port_range_to_string (&forward->external);
      g_autofree char *internal = sesame_port_range_to_string (&forward->internal);
      g_autofree char *names = sesame_checklist_join_names (checklist, forward->names);
      /* Translators: the accessible name of a tick box, "Done: TCP 80" */
      g_autofree char *label = g_strdup_printf (T_ (tr, "Done: %s %s"), protocol, external);
      g_autofree char *escaped_label = g_markup_escape_text (label, -1);

      g_string_append_printf (out, "<tr><td class=\"tick\"><input type=\"checkbox\" aria-label=\"%s\"></td>",
                              escaped_label);
      element (out, "<td class=\"n\">", protocol, "</td>");
      element (out, "<td class=\"n\">", external, "</td>");
      element (out, "<td class=\"n\">", forward->internal_address, "</td>");
      element (out, "<td class=\"n\">", internal, "</td>");
      element (out, "<td>", names, "</td>");
      g_string_append (out, "</tr>\n");
    }

  g_string_append (out, "</tbody>\n</table>\n");
}

static void
write_warnings (GString         *out,
                SesameChecklist *checklist)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GPtrArray *warnings = sesame_checklist_get_warnings (checklist);
  GPtrArray *conflicts = sesame_checklist_get_conflicts (checklist);

  if (warnings->len == 0 && conflicts->len == 0)
    return;

  element (out, "<h2>", T_ (tr, "Read this first"), "</h2>\n");

  for (guint i = 0; i < conflicts->len; i++)
    {
      const SesameConflict *conflict = g_ptr_array_index (conflicts, i);

      element (out, "<div class=\"conflict\"><p><strong>", TC_ (tr, "severity", "Conflict"), ":</strong> ");
      element (out, "", conflict->text, "</p></div>\n");
    }

  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);
      const char *label = sesame_severity_label (tr, warning->severity);

      g_string_append_printf (out, "<div class=\"warning %s\"><p><strong>",
                              sesame_severity_to_string (warning->severity));
      element (out, "", label, ":</strong> ");
      element (out, "", warning->text, "</p>");
      if (warning->advice != NULL)
        {
          element (out, "<p><em>", T_ (tr, "What to do instead"), ":</em> ");
          element (out, "", warning->advice, "</p>");
        }
      g_string_append (out, "</div>\n");
    }
}

char *
sesame_html_writer_write (SesameChecklist *checklist)
{
  SesameTranslation *tr;
  GString *out;
  g_autofree char *router_title = NULL;
  g_autofree char *server = NULL;
  GPtrArray *lan;
  GPtrArray *blocked;
  GPtrArray *outbound;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  tr = sesame_checklist_get_translation (checklist);
  out = g_string_new (NULL);
  lan = sesame_checklist_get_lan_only (checklist);
  blocked = sesame_checklist_get_not_forwarded (checklist);
  outbound = sesame_checklist_get_outbound_only (checklist);

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                          sesame_checklist_get_language (checklist));
  g_string_append (out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  element (out, "<title>", sesame_checklist_get_title (checklist), "</title>\n");
  g_string_append_printf (out, "<style>%s</style>\n</head>\n<body>\n", stylesheet);

  element (out, "<h1>", sesame_checklist_get_title (checklist), "</h1>\n");

  server = sesame_checklist_get_server_label (checklist);

  g_string_append (out, "<dl class=\"meta\">\n");
  element (out, "<dt>", TC_ (tr, "checklist header", "Router"), "</dt>");
  element (out, "<dd>", sesame_checklist_get_router_name (checklist), "</dd>\n");
  element (out, "<dt>", TC_ (tr, "checklist header", "Connection"), "</dt>");
  element (out, "<dd>", sesame_checklist_get_connection_label (checklist), "</dd>\n");
  element (out, "<dt>", TC_ (tr, "checklist header", "Server"), "</dt>");
  element (out, "<dd>", server, "</dd>\n");
  g_string_append (out, "</dl>\n");

  write_warnings (out, checklist);

  router_title = g_strdup_printf (T_ (tr, "Router settings: %s"), sesame_checklist_get_router_page (checklist));
  element (out, "<h2>1. ", router_title, "</h2>\n");
  write_steps (out, sesame_checklist_get_router_steps (checklist));
  write_forwards (out, checklist);

  if (lan->len > 0 || blocked->len > 0 || outbound->len > 0)
    {
      element (out, "<h2>2. ", T_ (tr, "Ports that must not be forwarded"), "</h2>\n");
      write_groups (out, checklist, lan, T_ (tr, "Used only inside the home network. Never forward these; the router must keep them off the internet."));
      write_groups (out, checklist, blocked, T_ (tr, "Kept off the internet on purpose, because exposing them is dangerous (see above). They stay usable at home."));
      write_groups (out, checklist, outbound, T_ (tr, "Used only to connect out. Nothing to forward: the router lets the replies in by itself."));
    }

  {
    guint n = (lan->len > 0 || blocked->len > 0 || outbound->len > 0) ? 3 : 2;

    g_string_append_printf (out, "<h2>%u. ", n);
    element (out, "", sesame_checklist_get_firewall_title (checklist), "</h2>\n");
    write_steps (out, sesame_checklist_get_firewall_steps (checklist));

    g_string_append_printf (out, "<h2>%u. ", n + 1);
    element (out, "", T_ (tr, "Check that it works"), "</h2>\n");
    write_steps (out, sesame_checklist_get_verify_steps (checklist));
  }

  g_string_append (out, "</body>\n</html>\n");

  return g_string_free (out, FALSE);
}
