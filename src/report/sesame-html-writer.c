/* sesame-html-writer.c: one self-contained, printable page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-html-writer"

#include "config.h"

#include "sesame-checklist-writer.h"
#include "sesame-html-document.h"

static void
write_groups (GString           *out,
              SesameChecklist   *checklist,
              GPtrArray         *groups,
              const char        *intro)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);

  if (groups->len == 0)
    return;

  sesame_html_element (out, "<p>", intro, "</p>\n");
  g_string_append (out, "<table>\n<thead><tr>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "Protocol"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "Ports"), "</th>");
  sesame_html_element (out, "<th>", TC_ (tr, "column", "For"), "</th>");
  g_string_append (out, "</tr></thead>\n<tbody>\n");

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);
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

  sesame_html_begin (out, sesame_checklist_get_language (checklist), sesame_checklist_get_title (checklist));

  sesame_html_element (out, "<h1>", sesame_checklist_get_title (checklist), "</h1>\n");

  server = sesame_checklist_get_server_label (checklist);

  g_string_append (out, "<dl class=\"meta\">\n");
  sesame_html_element (out, "<dt>", TC_ (tr, "checklist header", "Router"), "</dt>");
  sesame_html_element (out, "<dd>", sesame_checklist_get_router_name (checklist), "</dd>\n");
  sesame_html_element (out, "<dt>", TC_ (tr, "checklist header", "Connection"), "</dt>");
  sesame_html_element (out, "<dd>", sesame_checklist_get_connection_label (checklist), "</dd>\n");
  sesame_html_element (out, "<dt>", TC_ (tr, "checklist header", "Server"), "</dt>");
  sesame_html_element (out, "<dd>", server, "</dd>\n");
  g_string_append (out, "</dl>\n");

  sesame_html_findings (out, tr, sesame_checklist_get_findings (checklist));
  sesame_html_warnings (out, tr, sesame_checklist_get_warnings (checklist), sesame_checklist_get_conflicts (checklist));

  router_title = g_strdup_printf (T_ (tr, "Router settings: %s"), sesame_checklist_get_router_page (checklist));
  sesame_html_element (out, "<h2>1. ", router_title, "</h2>\n");
  sesame_html_steps (out, sesame_checklist_get_router_steps (checklist));
  sesame_html_forwards (out, checklist, sesame_checklist_get_forwards (checklist), "forwards");

  if (lan->len > 0 || blocked->len > 0 || outbound->len > 0)
    {
      sesame_html_element (out, "<h2>2. ", T_ (tr, "Ports that must not be forwarded"), "</h2>\n");
      write_groups (out, checklist, lan, T_ (tr, "Used only inside the home network. Never forward these; the router must keep them off the internet."));
      write_groups (out, checklist, blocked, T_ (tr, "Kept off the internet on purpose, because exposing them is dangerous (see above). They stay usable at home."));
      write_groups (out, checklist, outbound, T_ (tr, "Used only to connect out. Nothing to forward: the router lets the replies in by itself."));
    }

  {
    guint n = (lan->len > 0 || blocked->len > 0 || outbound->len > 0) ? 3 : 2;

    g_string_append_printf (out, "<h2>%u. ", n);
    sesame_html_element (out, "", sesame_checklist_get_firewall_title (checklist), "</h2>\n");
    sesame_html_steps (out, sesame_checklist_get_firewall_steps (checklist));

    g_string_append_printf (out, "<h2>%u. ", n + 1);
    sesame_html_element (out, "", T_ (tr, "Check that it works"), "</h2>\n");
    sesame_html_steps (out, sesame_checklist_get_verify_steps (checklist));
  }

  g_string_append (out, "</body>\n</html>\n");

  return g_string_free (out, FALSE);
}
