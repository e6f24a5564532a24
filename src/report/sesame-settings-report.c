/* sesame-settings-report.c
 *
 * The settings report is the checklist with what the probes found and
 * what they verified of it: for each forwarding row, whether something
 * listened, whether the router mapped it and whether it was reachable.
 * Those are facts; every judgement (what the results mean, whether a row
 * can work) is the checklist's findings (sesame_findings_new()), in the
 * same words as the checklist, the checks page and sesame-cli.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-settings-report"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sesame-findings.h"
#include "sesame-json.h"
#include "sesame-settings-report.h"
#include "sesame-text-document.h"

/* What a redacted report holds instead of a value; the writers show it in
 * the report's language (the JSON keeps this marker) */
#define HIDDEN "(hidden)"

static void
replace (char       **field,
         const char  *value)
{
  if (*field != NULL)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

/**
 * sesame_probe_report_redact:
 * @report: a report
 *
 * Hides what identifies the person on a public forum: the public address
 * and the router's name and identity. Home-network addresses stay: they
 * are the same in many homes, and needed to follow the advice.
 */
void
sesame_probe_report_redact (SesameProbeReport *report)
{
  g_return_if_fail (report != NULL);

  replace (&report->external_ipv4, HIDDEN);
  replace (&report->wan_address, HIDDEN);
  replace (&report->upnp_external_address, HIDDEN);
  replace (&report->natpmp_external_address, HIDDEN);
  replace (&report->pcp_external_address, HIDDEN);
  replace (&report->upnp_friendly_name, HIDDEN);
  replace (&report->upnp_udn, HIDDEN);
  replace (&report->gateway_mac, HIDDEN);

  for (guint i = 0; i < report->external_sources->len; i++)
    {
      SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);

      replace (&source->address, HIDDEN);
    }

  g_ptr_array_set_size (report->interfaces, 0);
}

static const SesamePortFinding *
find_finding (const SesameProbeReport *probe,
              const SesameForward     *forward)
{
  const char *protocol = sesame_protocol_to_string (forward->protocol);

  for (guint i = 0; probe != NULL && i < probe->ports->len; i++)
    {
      const SesamePortFinding *finding = g_ptr_array_index (probe->ports, i);

      if (g_str_equal (finding->protocol, protocol) &&
          forward->internal.first <= finding->port && finding->port <= forward->internal.last)
        return finding;
    }

  return NULL;
}

static const char *
tristate_text (SesameTranslation *tr,
               SesameTristate     value)
{
  if (value == SESAME_TRISTATE_YES)
    return TC_ (tr, "finding", "yes");
  if (value == SESAME_TRISTATE_NO)
    return TC_ (tr, "finding", "no");
  return TC_ (tr, "finding", "unknown");
}

static const char *
mapping_text (SesameTranslation  *tr,
              SesameMappingState  state)
{
  switch (state)
    {
    case SESAME_MAPPING_STATE_PRESENT: return TC_ (tr, "finding", "present");
    case SESAME_MAPPING_STATE_ABSENT: return TC_ (tr, "finding", "absent");
    case SESAME_MAPPING_STATE_WRONG_HOST: return TC_ (tr, "finding", "to another computer");
    case SESAME_MAPPING_STATE_UNKNOWN:
    default: return TC_ (tr, "finding", "unknown");
    }
}

static const char *
reachability_text (SesameTranslation  *tr,
                   SesameReachability  reachability)
{
  switch (reachability)
    {
    case SESAME_REACHABILITY_OPEN: return TC_ (tr, "finding", "open");
    case SESAME_REACHABILITY_REFUSED: return TC_ (tr, "finding", "refused (nothing answers)");
    case SESAME_REACHABILITY_FILTERED: return TC_ (tr, "finding", "filtered (no answer)");
    case SESAME_REACHABILITY_UNKNOWN:
    default: return TC_ (tr, "finding", "unknown");
    }
}

/* The NAT type as the findings name it, or "unknown" */
static const char *
classic_text (SesameTranslation *tr,
              SesameNatClassic   classic)
{
  const char *name = sesame_nat_classic_label (tr, classic);

  return name != NULL ? name : TC_ (tr, "finding", "unknown");
}

/* "2026-11-25 14:13" in the time zone of this computer */
static char *
time_text (const char *iso8601)
{
  g_autoptr(GDateTime) parsed = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = parsed ? g_date_time_to_local (parsed) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
}

/* A value of the probe results as the report shows it: "unknown" when
 * there is none, and a value left out for sharing in the report's words */
static const char *
value_text (SesameTranslation *tr,
            const char        *value)
{
  if (value == NULL)
    return TC_ (tr, "finding", "unknown");
  if (g_str_equal (value, HIDDEN))
    /* Translators: in a settings report shared on a forum, in place of the public address */
    return TC_ (tr, "redacted", "(hidden)");

  return value;
}

/* Rows of the findings, as (label, value) pairs, in the checklist's language */
static GPtrArray *
findings (SesameChecklist         *checklist,
          const SesameProbeReport *probe)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *when = time_text (probe->finished_at);

#define ROW(label, value) \
  g_ptr_array_add (rows, g_strdupv ((char *[]) { (char *) (label), (char *) value_text (tr, (value)), NULL }))

  ROW (TC_ (tr, "finding", "Checked on"), when);
  ROW (TC_ (tr, "finding", "This computer"), probe->local_address);
  ROW (TC_ (tr, "finding", "Router"), probe->gateway);
  ROW (TC_ (tr, "finding", "External address"), probe->external_ipv4);
  ROW (TC_ (tr, "finding", "NAT type"), classic_text (tr, probe->classic));
  ROW (TC_ (tr, "finding", "Double NAT"), tristate_text (tr, probe->double_nat));
  ROW (TC_ (tr, "finding", "Carrier-grade NAT"), tristate_text (tr, probe->cgnat));
  ROW ("UPnP IGD", tristate_text (tr, probe->upnp_found ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO));
  ROW ("NAT-PMP", tristate_text (tr, probe->natpmp_found ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO));
  ROW ("PCP", tristate_text (tr, probe->pcp_found ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO));

#undef ROW

  return rows;
}

/* One row per forward: what was verified of it and, with findings,
 * whether it can work (in the words of the checklist's own rows) */
static GPtrArray *
verified (SesameChecklist         *checklist,
          const SesameProbeReport *probe)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      const SesamePortFinding *finding = find_finding (probe, forward);
      g_autofree char *ports = sesame_port_range_to_string (&forward->external);
      g_autofree char *port = g_strdup_printf ("%s %s", sesame_checklist_format_protocol (checklist, forward->protocol), ports);
      g_autofree char *works = sesame_forward_works_text (checklist, forward);

      g_ptr_array_add (rows, g_strdupv ((char *[]) {
        port,
        (char *) (finding ? tristate_text (tr, finding->listening) : TC_ (tr, "finding", "not checked")),
        (char *) (finding ? mapping_text (tr, finding->router_mapping) : TC_ (tr, "finding", "not checked")),
        (char *) (finding ? reachability_text (tr, finding->reachable) : TC_ (tr, "finding", "not checked")),
        works,
        NULL }));
    }

  return rows;
}

static void
append_markup_table (GString   *out,
                     GPtrArray *rows,
                     gboolean   html,
                     const char * const *header)
{
  if (html)
    {
      g_string_append (out, "<table>\n");
      if (header != NULL)
        {
          g_string_append (out, "<thead><tr>");
          for (guint c = 0; header[c] != NULL; c++)
            {
              g_autofree char *cell = g_markup_escape_text (header[c], -1);
              g_string_append_printf (out, "<th>%s</th>", cell);
            }
          g_string_append (out, "</tr></thead>\n");
        }
      g_string_append (out, "<tbody>\n");
      for (guint r = 0; r < rows->len; r++)
        {
          char **cells = g_ptr_array_index (rows, r);

          g_string_append (out, "<tr>");
          for (guint c = 0; cells[c] != NULL; c++)
            {
              g_autofree char *cell = g_markup_escape_text (cells[c], -1);
              g_string_append_printf (out, header == NULL && c == 0 ? "<th>%s</th>" : "<td>%s</td>", cell);
            }
          g_string_append (out, "</tr>\n");
        }
      g_string_append (out, "</tbody>\n</table>\n");
      return;
    }

  /* Markdown */
  if (header != NULL)
    {
      g_string_append (out, "|");
      for (guint c = 0; header[c] != NULL; c++)
        g_string_append_printf (out, " %s |", header[c]);
      g_string_append (out, "\n|");
      for (guint c = 0; header[c] != NULL; c++)
        g_string_append (out, " --- |");
      g_string_append_c (out, '\n');
    }
  else
    g_string_append (out, "| | |\n| --- | --- |\n");

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      g_string_append (out, "|");
      for (guint c = 0; cells[c] != NULL; c++)
        g_string_append_printf (out, " %s |", cells[c]);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
}

/* Plain text as the checklist's own text is: underlined headings and
 * aligned columns, no Markdown */
static char *
text_findings_section (SesameChecklist    *checklist,
                       GPtrArray          *found,
                       GPtrArray          *checks,
                       const char * const *header)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  SesameTextDocument doc;
  g_autofree char *text = NULL;

  /* The column names, as the first row */
  g_ptr_array_insert (checks, 0, g_strdupv ((char **) header));

  sesame_text_document_init (&doc, checklist, FALSE);
  sesame_text_document_heading (&doc, T_ (tr, "What Sesame found"), FALSE);
  sesame_text_document_table (&doc, found, 2);
  sesame_text_document_heading (&doc, T_ (tr, "What was verified"), FALSE);
  sesame_text_document_table (&doc, checks, g_strv_length ((char **) header));
  text = sesame_text_document_finish (&doc);

  return g_strconcat ("\n", text, NULL);
}

static char *
findings_section (SesameChecklist         *checklist,
                  const SesameProbeReport *probe,
                  SesameExportFormat       format)
{
  gboolean html = format == SESAME_EXPORT_FORMAT_HTML;
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  g_autoptr(GPtrArray) found = findings (checklist, probe);
  g_autoptr(GPtrArray) checks = verified (checklist, probe);
  const char *header[] = {
    TC_ (tr, "column", "Port"), TC_ (tr, "column", "Listening"),
    TC_ (tr, "column", "Router mapping"), TC_ (tr, "column", "Reachable from the internet"),
    sesame_checklist_get_findings (checklist) != NULL ? TC_ (tr, "column", "Can it work?") : NULL, NULL,
  };
  const char *title = T_ (tr, "What Sesame found");
  const char *verified_title = T_ (tr, "What was verified");
  GString *out;

  if (format == SESAME_EXPORT_FORMAT_TEXT)
    return text_findings_section (checklist, found, checks, header);

  out = g_string_new (NULL);
  if (html)
    {
      g_autofree char *t1 = g_markup_escape_text (title, -1);
      g_autofree char *t2 = g_markup_escape_text (verified_title, -1);

      g_string_append_printf (out, "<h2>%s</h2>\n", t1);
      append_markup_table (out, found, TRUE, NULL);
      g_string_append_printf (out, "<h2>%s</h2>\n", t2);
      append_markup_table (out, checks, TRUE, header);
    }
  else
    {
      g_string_append_printf (out, "\n## %s\n\n", title);
      append_markup_table (out, found, FALSE, NULL);
      g_string_append_printf (out, "## %s\n\n", verified_title);
      append_markup_table (out, checks, FALSE, header);
    }

  return g_string_free (out, FALSE);
}

/**
 * sesame_settings_report_write:
 * @checklist: the checklist of the plan
 * @probe: (nullable): the latest probe results
 * @format: text, markdown, html or json
 *
 * Returns: (transfer full): the report
 */
char *
sesame_settings_report_write (SesameChecklist         *checklist,
                              const SesameProbeReport *probe,
                              SesameExportFormat       format)
{
  g_autofree char *body = NULL;
  g_autofree char *section = NULL;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  if (format == SESAME_EXPORT_FORMAT_JSON)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "version", 1);
      json_object_set_member (object, "plan", sesame_plan_to_json_node (sesame_checklist_get_plan (checklist)));
      if (probe != NULL)
        json_object_set_member (object, "probe", sesame_probe_report_to_json_node (probe));
      json_object_set_member (object, "checklist", sesame_json_writer_build (checklist));

      json_node_take_object (root, object);
      return sesame_json_to_string (root);
    }

  body = sesame_checklist_write (checklist, format);
  if (probe == NULL)
    return g_steal_pointer (&body);

  section = findings_section (checklist, probe, format);

  if (format == SESAME_EXPORT_FORMAT_HTML)
    {
      const char *end = g_strrstr (body, "</body>");
      g_autoptr(GString) out = g_string_new_len (body, end ? end - body : (gssize) strlen (body));

      g_string_append (out, section);
      g_string_append (out, end ? end : "");
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  {
    g_autofree char *report = g_strconcat (body, section, NULL);

    /* One final newline, as every writer ends */
    return g_strconcat (g_strchomp (report), "\n", NULL);
  }
}

/**
 * sesame_settings_report_write_pdf:
 * @checklist: the checklist of the plan
 * @probe: (nullable): the latest probe results
 * @paper: (nullable): the paper; %NULL for the locale's
 * @date: (nullable): the date printed under the title
 * @n_pages: (out) (optional): the number of pages
 * @unknown_glyphs: (out) (optional): characters that no font could show
 * @error: return location for a #GError
 *
 * The printable checklist, then what the probes found and what was
 * verified of each forwarding row, as tables.
 *
 * Returns: (transfer full) (nullable): the report as a PDF document
 */
GBytes *
sesame_settings_report_write_pdf (SesameChecklist         *checklist,
                                  const SesameProbeReport *probe,
                                  const SesamePaper       *paper,
                                  GDateTime               *date,
                                  guint                   *n_pages,
                                  guint                   *unknown_glyphs,
                                  GError                 **error)
{
  SesameTranslation *tr;
  g_autoptr(SesamePdfWriter) writer = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  SesamePdfTable tables[2];

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  if (probe == NULL)
    {
      writer = sesame_pdf_writer_new (checklist, paper, date);
      return sesame_pdf_writer_to_pdf (writer, n_pages, unknown_glyphs, error);
    }

  tr = sesame_checklist_get_translation (checklist);

  found = findings (checklist, probe);
  g_ptr_array_insert (found, 0, g_strdupv ((char *[]) {
    (char *) TC_ (tr, "column", "Check"), (char *) TC_ (tr, "column", "Result"), NULL }));

  checks = verified (checklist, probe);
  g_ptr_array_insert (checks, 0, g_strdupv ((char *[]) {
    (char *) TC_ (tr, "column", "Port"), (char *) TC_ (tr, "column", "Listening"),
    (char *) TC_ (tr, "column", "Router mapping"), (char *) TC_ (tr, "column", "Reachable from the internet"),
    sesame_checklist_get_findings (checklist) != NULL ? (char *) TC_ (tr, "column", "Can it work?") : NULL,
    NULL }));

  tables[0] = (SesamePdfTable) { T_ (tr, "What Sesame found"), found };
  tables[1] = (SesamePdfTable) { T_ (tr, "What was verified"), checks };

  writer = sesame_pdf_writer_new_with_tables (checklist, paper, date, tables, G_N_ELEMENTS (tables));
  return sesame_pdf_writer_to_pdf (writer, n_pages, unknown_glyphs, error);
}
