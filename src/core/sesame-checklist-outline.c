/* sesame-checklist-outline.c: the sections of a checklist, decided once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checklist-outline"

#include "config.h"

#include "sesame-checklist-outline.h"

static void
section_free (gpointer data)
{
  SesameSection *section = data;

  g_free (section->title);
  g_ptr_array_unref (section->paragraphs);
  g_clear_pointer (&section->lists, g_array_unref);
  g_free (section);
}

/**
 * sesame_outline_new:
 * @title: the document's title
 *
 * Returns: (transfer full): an outline with no header line and no section
 */
SesameOutline *
sesame_outline_new (const char *title)
{
  SesameOutline *outline = g_new0 (SesameOutline, 1);

  outline->title = g_strdup (title);
  outline->labels = g_ptr_array_new_with_free_func (g_free);
  outline->values = g_ptr_array_new_with_free_func (g_free);
  outline->sections = g_ptr_array_new_with_free_func (section_free);

  return outline;
}

void
sesame_outline_free (SesameOutline *outline)
{
  if (outline == NULL)
    return;

  g_free (outline->title);
  g_ptr_array_unref (outline->labels);
  g_ptr_array_unref (outline->values);
  g_ptr_array_unref (outline->sections);
  g_free (outline);
}

void
sesame_outline_add_header_line (SesameOutline *outline,
                                const char    *label,
                                const char    *value)
{
  g_return_if_fail (outline != NULL);

  g_ptr_array_add (outline->labels, g_strdup (label));
  g_ptr_array_add (outline->values, g_strdup (value));
}

/**
 * sesame_outline_add_section:
 * @outline: an outline
 * @kind: what the section holds
 * @title: its heading
 * @numbered: whether the heading takes the next number
 *
 * Returns: (transfer none): the new, empty section, last in @outline
 */
SesameSection *
sesame_outline_add_section (SesameOutline     *outline,
                            SesameSectionKind  kind,
                            const char        *title,
                            gboolean           numbered)
{
  SesameSection *section;

  g_return_val_if_fail (outline != NULL, NULL);

  section = g_new0 (SesameSection, 1);
  section->kind = kind;
  section->title = g_strdup (title);
  section->numbered = numbered;
  section->paragraphs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (outline->sections, section);

  return section;
}

/* A checklist lists what needs the person: good news is in the rows */
gboolean
sesame_finding_shown (const SesameFinding *finding)
{
  return finding->severity != SESAME_FINDING_SEVERITY_OK;
}

/* What the checks found, first of all: only when one of them needs the person */
void
sesame_outline_add_findings (SesameOutline   *outline,
                             SesameChecklist *checklist)
{
  GPtrArray *findings = sesame_checklist_get_findings (checklist);
  SesameSection *section;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      if (sesame_finding_shown (g_ptr_array_index (findings, i)))
        {
          section = sesame_outline_add_section (outline, SESAME_SECTION_FINDINGS,
                                                T_ (sesame_checklist_get_translation (checklist),
                                                    "What the checks found"),
                                                FALSE);
          section->items = findings;
          return;
        }
    }
}

/* "Read this first": conflicts, then warnings, the most serious first */
void
sesame_outline_add_warnings (SesameOutline   *outline,
                             SesameChecklist *checklist,
                             GPtrArray       *warnings,
                             GPtrArray       *conflicts)
{
  SesameSection *section;

  if (warnings->len == 0 && conflicts->len == 0)
    return;

  section = sesame_outline_add_section (outline, SESAME_SECTION_WARNINGS,
                                        T_ (sesame_checklist_get_translation (checklist), "Read this first"),
                                        FALSE);
  section->items = warnings;
  section->conflicts = conflicts;
}

/* The router's page, how to get there, and the rows to enter */
SesameSection *
sesame_outline_add_router (SesameOutline   *outline,
                           SesameChecklist *checklist,
                           GPtrArray       *steps,
                           GPtrArray       *forwards,
                           SesameRowsRole   role)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  g_autofree char *title = NULL;
  SesameSection *section;

  /* Translators: "Router settings: アドレス変換" — the page name follows */
  title = g_strdup_printf (T_ (tr, "Router settings: %s"), sesame_checklist_get_router_page (checklist));
  section = sesame_outline_add_section (outline, SESAME_SECTION_STEPS, title, TRUE);
  section->steps = steps;
  section->forwards = forwards;
  section->rows_role = role;

  return section;
}

void
sesame_outline_add_verify (SesameOutline   *outline,
                           SesameChecklist *checklist)
{
  SesameSection *section;

  section = sesame_outline_add_section (outline, SESAME_SECTION_STEPS,
                                        T_ (sesame_checklist_get_translation (checklist), "Check that it works"),
                                        TRUE);
  section->steps = sesame_checklist_get_verify_steps (checklist);
}

static void
add_group_list (GArray     *lists,
                GPtrArray  *groups,
                const char *intro)
{
  SesameGroupList list = { intro, groups };

  if (groups->len > 0)
    g_array_append_val (lists, list);
}

static void
add_port_groups (SesameOutline   *outline,
                 SesameChecklist *checklist)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  g_autoptr(GArray) lists = g_array_new (FALSE, FALSE, sizeof (SesameGroupList));
  SesameSection *section;

  add_group_list (lists, sesame_checklist_get_lan_only (checklist),
                  T_ (tr, "Used only inside the home network. Never forward these; the router must keep them off the internet."));
  add_group_list (lists, sesame_checklist_get_not_forwarded (checklist),
                  T_ (tr, "Kept off the internet on purpose, because exposing them is dangerous (see above). They stay usable at home."));
  add_group_list (lists, sesame_checklist_get_outbound_only (checklist),
                  T_ (tr, "Used only to connect out. Nothing to forward: the router lets the replies in by itself."));

  if (lists->len == 0)
    return;

  section = sesame_outline_add_section (outline, SESAME_SECTION_PORT_GROUPS,
                                        T_ (tr, "Ports that must not be forwarded"), TRUE);
  section->lists = g_steal_pointer (&lists);
}

/**
 * sesame_checklist_build_outline:
 * @checklist: a checklist
 *
 * The checklist's title, header and sections in the order every writer
 * and the checklist page show them: what the checks found, "Read this
 * first", the router's settings, the ports not to forward, the host's
 * firewall and how to check that it works.
 *
 * Returns: (transfer full): the outline, pointing into @checklist
 */
SesameOutline *
sesame_checklist_build_outline (SesameChecklist *checklist)
{
  SesameTranslation *tr;
  SesameOutline *outline;
  SesameSection *section;
  g_autofree char *server = NULL;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  tr = sesame_checklist_get_translation (checklist);
  server = sesame_checklist_get_server_label (checklist);
  outline = sesame_outline_new (sesame_checklist_get_title (checklist));

  sesame_outline_add_header_line (outline, TC_ (tr, "checklist header", "Router"),
                                  sesame_checklist_get_router_name (checklist));
  sesame_outline_add_header_line (outline, TC_ (tr, "checklist header", "Connection"),
                                  sesame_checklist_get_connection_label (checklist));
  sesame_outline_add_header_line (outline, TC_ (tr, "checklist header", "Server"), server);

  sesame_outline_add_findings (outline, checklist);
  sesame_outline_add_warnings (outline, checklist, sesame_checklist_get_warnings (checklist),
                               sesame_checklist_get_conflicts (checklist));
  sesame_outline_add_router (outline, checklist, sesame_checklist_get_router_steps (checklist),
                             sesame_checklist_get_forwards (checklist), SESAME_ROWS_ENTER);
  add_port_groups (outline, checklist);

  section = sesame_outline_add_section (outline, SESAME_SECTION_STEPS,
                                        sesame_checklist_get_firewall_title (checklist), TRUE);
  section->steps = sesame_checklist_get_firewall_steps (checklist);

  /* With the server's stable IPv6 address: the way in without forwarding */
  if (sesame_checklist_get_ipv6_steps (checklist) != NULL)
    {
      section = sesame_outline_add_section (outline, SESAME_SECTION_STEPS,
                                            T_ (tr, "Reach it over IPv6"), TRUE);
      section->steps = sesame_checklist_get_ipv6_steps (checklist);
    }

  sesame_outline_add_verify (outline, checklist);

  return outline;
}

/* How serious a finding's box is, among the checklist's alerts */
SesameSeverity
sesame_finding_alert_severity (const SesameFinding *finding)
{
  switch (finding->severity)
    {
    case SESAME_FINDING_SEVERITY_BLOCKER: return SESAME_SEVERITY_CRITICAL;
    case SESAME_FINDING_SEVERITY_WARNING: return SESAME_SEVERITY_WARNING;
    case SESAME_FINDING_SEVERITY_INFO:
    case SESAME_FINDING_SEVERITY_OK:
    default: return SESAME_SEVERITY_INFO;
    }
}

const char *
sesame_severity_label (SesameTranslation *tr,
                       SesameSeverity     severity)
{
  switch (severity)
    {
    case SESAME_SEVERITY_CRITICAL: return TC_ (tr, "severity", "Important");
    case SESAME_SEVERITY_WARNING: return TC_ (tr, "severity", "Warning");
    case SESAME_SEVERITY_INFO:
    default: return TC_ (tr, "severity", "Note");
    }
}
