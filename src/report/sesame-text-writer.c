/* sesame-text-writer.c: plain text and Markdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-text-writer"

#include "config.h"

#include <string.h>

#include "sesame-checklist-writer.h"
#include "sesame-text-document.h"

static void
write_header (SesameTextDocument *w)
{
  g_autofree char *server = sesame_checklist_get_server_label (w->checklist);
  const char *labels[] = {
    TC_ (w->tr, "checklist header", "Router"),
    TC_ (w->tr, "checklist header", "Connection"),
    TC_ (w->tr, "checklist header", "Server"),
  };
  const char *values[] = {
    sesame_checklist_get_router_name (w->checklist),
    sesame_checklist_get_connection_label (w->checklist),
    server,
  };

  sesame_text_document_header (w, sesame_checklist_get_title (w->checklist), labels, values, G_N_ELEMENTS (labels));
}

static void
write_groups (SesameTextDocument *w,
              GPtrArray          *groups,
              const char         *intro)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header;

  if (groups->len == 0)
    return;

  sesame_text_document_paragraph (w, intro);

  header = g_new0 (char *, 4);
  header[0] = g_strdup (TC_ (w->tr, "column", "Protocol"));
  header[1] = g_strdup (TC_ (w->tr, "column", "Ports"));
  header[2] = g_strdup (TC_ (w->tr, "column", "For"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);
      char **cells = g_new0 (char *, 4);

      cells[0] = g_strdup (sesame_checklist_format_protocol (w->checklist, group->protocol));
      cells[1] = sesame_port_range_to_string (&group->ports);
      cells[2] = sesame_checklist_join_names (w->checklist, group->names);
      g_ptr_array_add (rows, cells);
    }

  sesame_text_document_table (w, rows, 3);
}

char *
sesame_text_writer_write (SesameChecklist *checklist,
                          gboolean         markdown)
{
  SesameTextDocument w;
  GPtrArray *lan;
  GPtrArray *blocked;
  GPtrArray *outbound;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  sesame_text_document_init (&w, checklist, markdown);
  lan = sesame_checklist_get_lan_only (checklist);
  blocked = sesame_checklist_get_not_forwarded (checklist);
  outbound = sesame_checklist_get_outbound_only (checklist);

  write_header (&w);
  sesame_text_document_findings (&w, sesame_checklist_get_findings (checklist));
  sesame_text_document_warnings (&w, sesame_checklist_get_warnings (checklist),
                                 sesame_checklist_get_conflicts (checklist));

  {
    /* Translators: "Router settings: アドレス変換" — the page name follows */
    g_autofree char *title = g_strdup_printf (T_ (w.tr, "Router settings: %s"),
                                              sesame_checklist_get_router_page (checklist));
    sesame_text_document_heading (&w, title, TRUE);
  }
  sesame_text_document_steps (&w, sesame_checklist_get_router_steps (checklist));
  sesame_text_document_forwards (&w, sesame_checklist_get_forwards (checklist));

  if (lan->len > 0 || blocked->len > 0 || outbound->len > 0)
    {
      sesame_text_document_heading (&w, T_ (w.tr, "Ports that must not be forwarded"), TRUE);
      write_groups (&w, lan, T_ (w.tr, "Used only inside the home network. Never forward these; the router must keep them off the internet."));
      write_groups (&w, blocked, T_ (w.tr, "Kept off the internet on purpose, because exposing them is dangerous (see above). They stay usable at home."));
      write_groups (&w, outbound, T_ (w.tr, "Used only to connect out. Nothing to forward: the router lets the replies in by itself."));
    }

  sesame_text_document_heading (&w, sesame_checklist_get_firewall_title (checklist), TRUE);
  sesame_text_document_steps (&w, sesame_checklist_get_firewall_steps (checklist));

  sesame_text_document_heading (&w, T_ (w.tr, "Check that it works"), TRUE);
  sesame_text_document_steps (&w, sesame_checklist_get_verify_steps (checklist));

  return sesame_text_document_finish (&w);
}
