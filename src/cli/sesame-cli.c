/* sesame-cli.c: every capability of Sesame without a display
 *
 * Exit status: 0 success, 1 bad input or failure (one line on stderr),
 * 2 bad usage.
 *
 * Over 1,000 lines: one function per command, with its option table; the
 * work is in the libraries, each command only reads options and prints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sesame-catalog.h"
#include "sesame-checklist.h"
#include "sesame-checklist-writer.h"
#include "sesame-file.h"
#include "sesame-findings.h"
#include "sesame-json.h"
#include "sesame-local-probe.h"
#include "sesame-migration-writer.h"
#include "sesame-pdf-writer.h"
#include "sesame-plan.h"
#include "sesame-pmp-client.h"
#include "sesame-portset.h"
#include "sesame-prober.h"
#include "sesame-reflector-servers.h"
#include "sesame-settings-report.h"
#include "sesame-store.h"
#include "sesame-terminal-text.h"
#include "sesame-translation.h"
#include "sesame-upnp-client.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILURE_ = 1,
  EXIT_USAGE = 2,
};

static const char usage[] =
  N_("Usage:\n"
     "  sesame-cli --version\n"
     "  sesame-cli catalog services|routers [--json] [--lang en|ja]\n"
     "  sesame-cli plan check PLAN\n"
     "  sesame-cli checklist --plan PLAN [--probe-report REPORT] [--lang en|ja]\n"
     "                       [--format text|markdown|html|json|pdf] [-o FILE]\n"
     "  sesame-cli probe [--plan PLAN] [--port PROTO/N]... [--stun HOST:PORT]... [--ip-url URL]...\n"
     "                   [--check-url TEMPLATE] [--reflector HOST[:PORT]] [--no-internet] [--no-defaults]\n"
     "                   [--deadline-ms N] [--json] [-o FILE]\n"
     "  sesame-cli map list [--json]\n"
     "  sesame-cli map add --protocol tcp|udp --port N [--internal-port N] [--lease S]\n"
     "                     [--via upnp|natpmp|pcp] [--igd-host ADDRESS]\n"
     "  sesame-cli map remove --protocol tcp|udp --port N [--via upnp|natpmp|pcp] [--igd-host ADDRESS]\n"
     "  sesame-cli report --plan PLAN [--probe-report REPORT] [--lang en|ja]\n"
     "                    [--format text|markdown|html|json|pdf] [--redact] [-o FILE]\n"
     "  sesame-cli diff --old PLAN --new PLAN [--lang en|ja] [--format text|markdown|html|json|pdf] [-o FILE]\n"
     "  sesame-cli portset --ipv6 ADDRESS[/LENGTH] [--json]\n");

G_GNUC_PRINTF (1, 2)
static int
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *shown = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  shown = sesame_terminal_text (message, -1);
  g_printerr ("sesame-cli: %s\n", shown);
  g_printerr (_("Try “sesame-cli --help”.\n"));
  return EXIT_USAGE;
}

/* One line: the first problem, and how many more there are */
static int
failure (const char   *what,
         const GError *error)
{
  /* A file name or an error from a server may hold a terminal escape */
  g_autofree char *shown_what = sesame_terminal_text (what, -1);
  g_autofree char *message = sesame_terminal_text (error->message, -1);
  const char *newline = strchr (message, '\n');

  if (newline == NULL)
    g_printerr ("sesame-cli: %s: %s\n", shown_what, message);
  else
    {
      guint more = 0;

      for (const char *p = newline; p != NULL; p = strchr (p + 1, '\n'))
        more++;

      g_printerr ("sesame-cli: %s: %.*s ", shown_what, (int) (newline - message), message);
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "(and %u more problem; “sesame-cli plan check” lists them all)\n",
                               "(and %u more problems; “sesame-cli plan check” lists them all)\n",
                               more),
                  more);
    }

  return EXIT_FAILURE_;
}

static gboolean
write_output_bytes (const char  *output,
                    GBytes      *bytes,
                    GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (output == NULL || g_str_equal (output, "-"))
    {
      if (fwrite (data, 1, length, stdout) != length || fflush (stdout) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not write to standard output"));
          return FALSE;
        }
      return TRUE;
    }

  /* A regular file or a new one only; an existing file keeps its mode */
  return sesame_file_replace (output, data, length, 0644, error);
}

/* To standard output, or atomically to @output. What reaches a terminal
 * (standard output) carries no control character but line feeds and tabs:
 * a router's name or a redirect's Location in a probe report could. */
static gboolean
write_output (const char  *output,
              const char  *text,
              GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (output == NULL || g_str_equal (output, "-"))
    {
      char *shown = sesame_terminal_text (text, -1);

      bytes = g_bytes_new_take (shown, strlen (shown));
    }
  else
    bytes = g_bytes_new_static (text, strlen (text));

  return write_output_bytes (output, bytes, error);
}

static gboolean
parse_options (GOptionEntry  *entries,
               const char    *parameter,
               int           *argc,
               char        ***argv,
               int           *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = usage_error ("%s", error->message);
      return FALSE;
    }

  return TRUE;
}

static SesameCatalog *
load_catalog (int *status)
{
  g_autoptr(GError) error = NULL;
  SesameCatalog *catalog = sesame_catalog_load_default (&error);

  if (catalog == NULL)
    /* Translators: what failed, before the error message: "catalog: …" */
    *status = failure (_("catalog"), error);

  return catalog;
}

static gboolean
check_language (const char *language,
                int        *status)
{
  if (language != NULL && !sesame_translation_is_supported (language))
    {
      *status = usage_error (_("“%s” is not a report language; use en or ja"), language);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
services_to_json (SesameCatalog     *catalog,
                  SesameTranslation *tr)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *services = sesame_catalog_get_services (catalog);

  json_builder_begin_array (builder);

  for (guint i = 0; i < services->len; i++)
    {
      const SesameService *service = g_ptr_array_index (services, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, service->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, T_ (tr, service->name));
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, service->category);
      json_builder_set_member_name (builder, "risk");
      json_builder_add_string_value (builder, sesame_risk_to_string (service->risk));
      json_builder_set_member_name (builder, "ports");
      json_builder_begin_array (builder);

      for (guint p = 0; p < service->ports->len; p++)
        {
          const SesameServicePort *port = g_ptr_array_index (service->ports, p);
          g_autofree char *ports = sesame_port_range_to_string (&port->range);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "protocol");
          json_builder_add_string_value (builder, sesame_protocol_to_string (port->protocol));
          json_builder_set_member_name (builder, "ports");
          json_builder_add_string_value (builder, ports);
          json_builder_set_member_name (builder, "exposure");
          json_builder_add_string_value (builder, sesame_exposure_to_string (port->exposure));
          json_builder_set_member_name (builder, "purpose");
          json_builder_add_string_value (builder, T_ (tr, port->purpose));
          json_builder_end_object (builder);
        }

      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
routers_to_json (SesameCatalog *catalog,
                 const char    *language)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *routers = sesame_catalog_get_routers (catalog);

  json_builder_begin_array (builder);

  for (guint i = 0; i < routers->len; i++)
    {
      const SesameRouter *router = g_ptr_array_index (routers, i);
      g_autofree char *path = g_strjoinv (" > ", (char **)sesame_router_get_menu_path (router, language));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, router->id);
      json_builder_set_member_name (builder, "vendor");
      json_builder_add_string_value (builder, sesame_text_get (&router->vendor, language));
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, sesame_text_get (&router->model, language));
      json_builder_set_member_name (builder, "market");
      json_builder_add_string_value (builder, router->japan ? "jp" : "global");
      json_builder_set_member_name (builder, "lan_address");
      json_builder_add_string_value (builder, router->lan_address);
      json_builder_set_member_name (builder, "admin_url");
      if (router->admin_url)
        json_builder_add_string_value (builder, router->admin_url);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "page");
      json_builder_add_string_value (builder, sesame_text_get (&router->forwarding_page, language));
      json_builder_set_member_name (builder, "menu_path");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "upnp_igd");
      json_builder_add_string_value (builder, sesame_support_to_string (router->upnp_igd));
      json_builder_set_member_name (builder, "nat_pmp");
      json_builder_add_string_value (builder, sesame_support_to_string (router->nat_pmp));
      json_builder_set_member_name (builder, "pcp");
      json_builder_add_string_value (builder, sesame_support_to_string (router->pcp));
      json_builder_set_member_name (builder, "port_ranges");
      json_builder_add_string_value (builder, sesame_support_to_string (router->port_ranges));
      json_builder_set_member_name (builder, "uncertain");
      json_builder_begin_array (builder);
      for (guint u = 0; router->uncertain[u] != NULL; u++)
        json_builder_add_string_value (builder, router->uncertain[u]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static char *
services_to_text (SesameCatalog     *catalog,
                  SesameTranslation *tr)
{
  GString *out = g_string_new (NULL);
  GPtrArray *categories = sesame_catalog_get_categories (catalog);
  GPtrArray *services = sesame_catalog_get_services (catalog);

  for (guint c = 0; c < categories->len; c++)
    {
      const SesameCategory *category = g_ptr_array_index (categories, c);

      g_string_append_printf (out, "%s\n", T_ (tr, category->name));

      for (guint i = 0; i < services->len; i++)
        {
          const SesameService *service = g_ptr_array_index (services, i);
          GString *ports = g_string_new (NULL);

          if (!g_str_equal (service->category, category->id))
            continue;

          for (guint p = 0; p < service->ports->len; p++)
            {
              const SesameServicePort *port = g_ptr_array_index (service->ports, p);
              g_autofree char *range = sesame_port_range_to_string (&port->range);

              g_string_append_printf (ports, "%s%s/%s%s", ports->len ? " " : "", range,
                                      sesame_protocol_to_string (port->protocol),
                                      port->exposure == SESAME_EXPOSURE_LAN ? "(lan)" :
                                      port->exposure == SESAME_EXPOSURE_OUTBOUND ? "(out)" : "");
            }

          g_string_append_printf (out, "  %-18s %s  [%s]%s\n", service->id, T_ (tr, service->name), ports->str,
                                  service->risk == SESAME_RISK_DANGEROUS ? " !!" :
                                  service->risk == SESAME_RISK_RISKY ? " !" : "");
          g_string_free (ports, TRUE);
        }
    }

  return g_string_free (out, FALSE);
}

static char *
routers_to_text (SesameCatalog *catalog,
                 const char    *language)
{
  GString *out = g_string_new (NULL);
  GPtrArray *routers = sesame_catalog_get_routers (catalog);

  for (guint i = 0; i < routers->len; i++)
    {
      const SesameRouter *router = g_ptr_array_index (routers, i);

      g_string_append_printf (out, "%-24s %s %s — %s\n", router->id,
                              sesame_text_get (&router->vendor, language),
                              sesame_text_get (&router->model, language),
                              sesame_text_get (&router->forwarding_page, language));
    }

  return g_string_free (out, FALSE);
}

static int
command_catalog (int    argc,
                 char **argv)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *language = NULL;
  g_autofree char *text = NULL;
  SesameTranslation *tr;
  gboolean json = FALSE;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &language, N_("Language of names: en or ja"), "LANG" },
    { NULL }
  };

  if (!parse_options (entries, "services|routers", &argc, &argv, &status))
    return status;

  if (argc != 2 || (!g_str_equal (argv[1], "services") && !g_str_equal (argv[1], "routers")))
    return usage_error (_("say which catalog: services or routers"));

  if (!check_language (language, &status))
    return status;

  if (!(catalog = load_catalog (&status)))
    return status;

  if (language == NULL)
    language = g_strdup (sesame_translation_get_default_language ());

  if (!(tr = sesame_translation_get_for_language (language, &error)))
    /* Translators: what failed, before the error message: "language: …" */
    return failure (_("language"), error);

  if (json)
    {
      g_autoptr(JsonNode) node = NULL;

      if (g_str_equal (argv[1], "services"))
        node = services_to_json (catalog, tr);
      else
        node = routers_to_json (catalog, language);

      text = sesame_json_to_string (node);
    }
  else if (g_str_equal (argv[1], "services"))
    text = services_to_text (catalog, tr);
  else
    text = routers_to_text (catalog, language);

  if (!write_output (NULL, text, &error))
    return failure ("stdout", error);

  return EXIT_OK;
}

static int
command_plan (int    argc,
              char **argv)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown_path = NULL;
  int status = EXIT_OK;
  GOptionEntry entries[] = { { NULL } };

  if (!parse_options (entries, "check PLAN", &argc, &argv, &status))
    return status;

  if (argc < 2 || !g_str_equal (argv[1], "check"))
    return usage_error (_("the plan command takes: check PLAN"));
  if (argc != 3)
    return usage_error (_("say which plan file to check"));

  if (!(catalog = load_catalog (&status)))
    return status;

  shown_path = sesame_terminal_text (argv[2], -1);

  if (!(plan = sesame_plan_load_from_file (argv[2], catalog, &error)))
    {
      g_autofree char *message = sesame_terminal_text (error->message, -1);
      g_auto(GStrv) problems = g_strsplit (message, "\n", -1);

      for (guint i = 0; problems[i] != NULL; i++)
        g_printerr ("%s: %s\n", shown_path, problems[i]);

      return EXIT_FAILURE_;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "%s: the plan is valid (%u service, router “%s”)\n",
                        "%s: the plan is valid (%u services, router “%s”)\n",
                        g_strv_length ((char **)sesame_plan_get_services (plan))),
           shown_path, g_strv_length ((char **)sesame_plan_get_services (plan)),
           sesame_plan_get_router_id (plan));

  return EXIT_OK;
}

/* What the commands that write a document from a plan have in common */
static gboolean
check_document_options (int                    argc,
                        char                 **argv,
                        const char            *plan_path,
                        const char            *format_name,
                        const char            *language,
                        const char            *output,
                        SesameExportFormat    *format,
                        int                   *status)
{
  if (argc > 1)
    *status = usage_error (_("unexpected argument “%s”"), argv[1]);
  else if (plan_path == NULL)
    *status = usage_error (_("--plan PLAN is required"));
  else if (format_name != NULL && !sesame_export_format_from_string (format_name, format))
    *status = usage_error (_("“%s” is not a format; use text, markdown, html, json or pdf"), format_name);
  /* A printable page is for the paper beside the router */
  else if (*format == SESAME_EXPORT_FORMAT_PDF && (output == NULL || g_str_equal (output, "-")) &&
           isatty (STDOUT_FILENO))
    *status = usage_error (_("a PDF is not for the terminal: write it to a file with -o FILE"));
  else
    return check_language (language, status);

  return FALSE;
}

/* Writes @document the one way the wizard does too */
static int
export_document (const SesameExportSource *source,
                 SesameDocument            document,
                 SesameExportFormat        format,
                 gboolean                  redact,
                 const char               *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sesame_export_write (source, document, format, redact, &error);
  g_autofree char *text = NULL;

  if (bytes == NULL)
    return failure (output ? output : "stdout", error);

  /* Text goes through the terminal's filter on the way there; a PDF never goes there */
  if (format == SESAME_EXPORT_FORMAT_PDF)
    {
      if (!write_output_bytes (output, bytes, &error))
        return failure (output ? output : "stdout", error);
      return EXIT_OK;
    }

  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!write_output (output, text, &error))
    return failure (output ? output : "stdout", error);

  return EXIT_OK;
}

/* Loads the catalog into @catalog first, unless it is there already */
static SesamePlan *
load_plan (const char     *plan_path,
           SesameCatalog **catalog,
           int            *status)
{
  g_autoptr(GError) error = NULL;
  SesamePlan *plan;

  if (*catalog == NULL && !(*catalog = load_catalog (status)))
    return NULL;

  if (!(plan = sesame_plan_load_from_file (plan_path, *catalog, &error)))
    *status = failure (plan_path, error);

  return plan;
}

/* The results of "probe --json -o FILE": a regular file of at most 1 MiB */
static SesameProbeReport *
load_probe_report (const char *path,
                   int        *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SesameProbeReport *report;

  if (!(bytes = sesame_file_read (path, SESAME_FILE_MAX_SIZE, &error)) ||
      !(report = sesame_probe_report_new_from_json (bytes, &error)))
    {
      *status = failure (path, error);
      return NULL;
    }

  return report;
}

/* What @probe means for the plan of @checklist, given to it for the writers */
static gboolean
add_findings (SesameChecklist         *checklist,
              SesameCatalog           *catalog,
              const SesameProbeReport *probe,
              int                     *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = NULL;

  findings = sesame_findings_new (sesame_checklist_get_plan (checklist), catalog, probe,
                                  sesame_checklist_get_language (checklist), &error);
  if (findings == NULL)
    {
      *status = failure ("findings", error);
      return FALSE;
    }

  sesame_checklist_set_findings (checklist, findings);
  /* The probe ran on the server: its stable IPv6 address is the server's */
  sesame_checklist_set_ipv6_address (checklist, probe->ipv6_address);
  return TRUE;
}

static int
command_checklist (int    argc,
                   char **argv)
{
  g_autoptr(SesameProbeReport) probe = NULL;
  g_autofree char *probe_path = NULL;
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *language = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  SesameExportSource source = { NULL };
  SesameExportFormat format = SESAME_EXPORT_FORMAT_TEXT;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &plan_path, N_("The plan to read"), "PLAN" },
    { "probe-report", 0, 0, G_OPTION_ARG_FILENAME, &probe_path, N_("Probe results (probe --json) that shape the checklist"), "REPORT" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &language, N_("Language of the checklist: en or ja"), "LANG" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("text, markdown, html, json or pdf"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), "FILE" },
    { NULL }
  };

  if (!parse_options (entries, NULL, &argc, &argv, &status) ||
      !check_document_options (argc, argv, plan_path, format_name, language, output, &format, &status) ||
      !(plan = load_plan (plan_path, &catalog, &status)))
    return status;

  if (probe_path != NULL && !(probe = load_probe_report (probe_path, &status)))
    return status;

  if (!(checklist = sesame_checklist_new (plan, catalog, language, &error)))
    return failure (plan_path, error);

  if (probe != NULL && !add_findings (checklist, catalog, probe, &status))
    return status;

  source.checklist = checklist;
  source.date = today;
  return export_document (&source, SESAME_DOCUMENT_CHECKLIST, format, FALSE, output);
}

static gboolean
parse_port_spec (const char  *text,
                 char       **protocol,
                 guint16     *port)
{
  g_autofree char *copy = g_strdup (text);
  char *slash = strchr (copy, '/');
  SesamePortRange range;

  if (slash == NULL)
    return FALSE;

  *slash = '\0';
  if (!g_str_equal (copy, "tcp") && !g_str_equal (copy, "udp"))
    return FALSE;

  if (!sesame_port_range_parse (slash + 1, &range, NULL) || range.first != range.last)
    return FALSE;

  *protocol = g_strdup (copy);
  *port = range.first;
  return TRUE;
}

/* The ports of every forward of the plan, each once, on this computer */
static gboolean
add_plan_ports (SesameProber *prober,
                const char   *plan_path,
                int          *status)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;

  if (!(catalog = load_catalog (status)))
    return FALSE;

  if (!(plan = sesame_plan_load_from_file (plan_path, catalog, &error)) ||
      !(checklist = sesame_checklist_new (plan, catalog, "en", &error)))
    {
      *status = failure (plan_path, error);
      return FALSE;
    }

  sesame_prober_add_forwards (prober, sesame_checklist_get_forwards (checklist));

  return TRUE;
}

static const char *
tristate_label (SesameTristate value)
{
  if (value == SESAME_TRISTATE_YES)
    return _("yes");
  if (value == SESAME_TRISTATE_NO)
    return _("no");
  return _("unknown");
}

/* A router that answered NAT-PMP or PCP but refused is found, with its reason */
static char *
pmp_label (gboolean    found,
           const char *address,
           const char *error)
{
  if (found && address != NULL)
    return g_strdup (address);
  if (found)
    /* Translators: after "NAT-PMP: " or "PCP: "; %s is the router's reason */
    return g_strdup_printf (_("answered, but gave no address (%s)"), error ? error : "-");

  return g_strdup (_("not found"));
}

static char *
report_to_text (const SesameProbeReport *report)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("Local address: %s (gateway %s, network %s)\n"),
                          report->local_address ? report->local_address : _("unknown"),
                          report->gateway ? report->gateway : _("none"),
                          report->subnet ? report->subnet : _("unknown"));
  if (report->local_reason)
    g_string_append_printf (out, "  %s\n", report->local_reason);

  g_string_append_printf (out, _("External address: %s\n"),
                          report->external_ipv4 ? report->external_ipv4 : _("unknown"));
  for (guint i = 0; i < report->external_sources->len; i++)
    {
      const SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);

      g_string_append_printf (out, "  %s %s: %s\n", source->method, source->server,
                              source->address ? source->address : source->error ? source->error : "-");
    }

  g_string_append_printf (out, _("NAT: %s (mapping %s, filtering %s, hairpinning %s)\n"),
                          sesame_nat_classic_to_string (report->classic),
                          sesame_nat_mapping_to_string (report->mapping),
                          sesame_nat_filtering_to_string (report->filtering),
                          tristate_label (report->hairpinning));
  if (report->nat_reason)
    g_string_append_printf (out, "  %s\n", report->nat_reason);

  g_string_append_printf (out, _("Double NAT: %s; carrier-grade NAT: %s\n"),
                          tristate_label (report->double_nat), tristate_label (report->cgnat));
  if (report->access_reason)
    g_string_append_printf (out, "  %s\n", report->access_reason);

  if (report->upnp_found)
    g_string_append_printf (out, _("UPnP IGD: %s %s, external address %s, %u mappings\n"),
                            report->upnp_manufacturer ? report->upnp_manufacturer : "",
                            report->upnp_model ? report->upnp_model : "",
                            report->upnp_external_address ? report->upnp_external_address : _("unknown"),
                            report->upnp_mappings->len);
  if (report->upnp_found && !report->upnp_is_gateway)
    /* Translators: the first %s is the address of a UPnP device, the second the gateway's */
    g_string_append_printf (out, _("  This UPnP IGD is at %s, not at the gateway %s: Sesame adds no mappings there "
                                   "unless you name it.\n"),
                            report->upnp_host ? report->upnp_host : _("unknown"),
                            report->gateway ? report->gateway : _("none"));
  else if (!report->upnp_found)
    g_string_append_printf (out, _("UPnP IGD: not found (%s)\n"), report->upnp_error ? report->upnp_error : "-");

  {
    g_autofree char *natpmp = pmp_label (report->natpmp_found, report->natpmp_external_address,
                                         report->natpmp_error);
    g_autofree char *pcp = pmp_label (report->pcp_found, report->pcp_external_address, report->pcp_error);

    g_string_append_printf (out, _("NAT-PMP: %s; PCP: %s\n"), natpmp, pcp);
  }

  for (guint i = 0; i < report->ports->len; i++)
    {
      const SesamePortFinding *finding = g_ptr_array_index (report->ports, i);

      g_string_append_printf (out, _("Port %s/%u: listening %s, router mapping %s, reachable %s\n"),
                              finding->protocol, finding->port, tristate_label (finding->listening),
                              sesame_mapping_state_to_string (finding->router_mapping),
                              sesame_reachability_to_string (finding->reachable));
      if (finding->reason)
        g_string_append_printf (out, "  %s\n", finding->reason);
    }

  /* IPv6: the address to publish, what it says of IPv4, the ports over IPv6 */
  if (report->ipv6_address != NULL)
    g_string_append_printf (out, _("IPv6 address: %s (stable)\n"), report->ipv6_address);
  else if (report->ipv6_addresses->len > 0)
    g_string_append (out, _("IPv6 address: only temporary ones\n"));
  else
    g_string_append (out, _("IPv6 address: none\n"));
  if (report->transition != NULL && report->transition->method != SESAME_TRANSITION_NONE)
    {
      g_autofree char *ipv4 = sesame_portset_ipv4_to_string (report->transition);

      if (report->transition->method == SESAME_TRANSITION_MAP_E && report->transition->rule_known)
        /* Translators: "IPv4 over IPv6: MAP-E, v6プラス (JPIX), shared address 106.72.18.52, PSID 86" */
        g_string_append_printf (out, _("IPv4 over IPv6: MAP-E, %s, shared address %s, PSID %u\n"),
                                report->transition->provider, ipv4, report->transition->psid);
      else if (report->transition->method == SESAME_TRANSITION_MAP_E)
        g_string_append_printf (out, _("IPv4 over IPv6: MAP-E, %s\n"), report->transition->provider);
      else
        g_string_append_printf (out, _("IPv4 over IPv6: DS-Lite, %s\n"), report->transition->provider);
      if (report->transition_reason)
        g_string_append_printf (out, "  %s\n", report->transition_reason);
    }
  for (guint i = 0; i < report->ipv6_ports->len; i++)
    {
      const SesamePortFinding *finding = g_ptr_array_index (report->ipv6_ports, i);

      g_string_append_printf (out, _("Port %s/%u over IPv6: reachable %s\n"),
                              finding->protocol, finding->port, sesame_reachability_to_string (finding->reachable));
      if (finding->reason)
        g_string_append_printf (out, "  %s\n", finding->reason);
    }
  if (report->ipv6_reason != NULL)
    g_string_append_printf (out, "  %s\n", report->ipv6_reason);

  if (report->servers_contacted->len > 0)
    {
      g_autofree char *servers = g_strjoinv (", ", (char **) report->servers_contacted->pdata);
      g_string_append_printf (out, _("Servers contacted: %s\n"), servers);
    }
  else
    g_string_append (out, _("Servers contacted: none\n"));

  g_string_append_printf (out, _("Elapsed: %lld ms\n"), (long long) report->elapsed_ms);

  return g_string_free (out, FALSE);
}

/* What the results mean for @plan_path's plan (or for none), in the
 * language of this command's messages: blockers first, in plain words */
static void
append_findings (GString                 *out,
                 const SesameProbeReport *report,
                 const char              *plan_path)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  int status = EXIT_OK;

  if (!(catalog = load_catalog (&status)))
    return;
  if (plan_path == NULL || !(plan = sesame_plan_load_from_file (plan_path, catalog, NULL)))
    plan = sesame_plan_new ();

  findings = sesame_findings_new (plan, catalog, report, sesame_translation_get_default_language (), NULL);
  if (findings == NULL || findings->len == 0)
    return;

  g_string_append_printf (out, "\n%s\n", _("What this means:"));
  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);
      const char *mark;

      switch (finding->severity)
        {
        case SESAME_FINDING_SEVERITY_BLOCKER: mark = "[!]"; break;
        case SESAME_FINDING_SEVERITY_WARNING: mark = "[*]"; break;
        case SESAME_FINDING_SEVERITY_INFO: mark = "[i]"; break;
        case SESAME_FINDING_SEVERITY_OK:
        default: mark = "[ok]"; break;
        }

      g_string_append_printf (out, "%s %s\n    %s\n", mark, finding->title, finding->text);
      if (finding->action != NULL)
        /* Translators: before what to do about a finding of "sesame-cli probe" */
        g_string_append_printf (out, _("    What to do: %s\n"), finding->action);
    }
}

typedef struct
{
  gboolean           done;
  SesameProbeReport *report;
  GError            *error;
} ProbeResult;

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ProbeResult *probe = user_data;

  probe->report = sesame_prober_run_finish (SESAME_PROBER (object), result, &probe->error);
  probe->done = TRUE;
}

static int
command_probe (int    argc,
               char **argv)
{
  g_autoptr(SesameProber) prober = sesame_prober_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *check_url = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) ports = NULL;
  g_auto(GStrv) stun = NULL;
  g_auto(GStrv) ip_urls = NULL;
  g_autofree char *reflector = NULL;
  g_autofree char *text = NULL;
  ProbeResult result = { 0 };
  gboolean no_internet = FALSE;
  gboolean no_defaults = FALSE;
  gboolean json = FALSE;
  gboolean save = FALSE;
  g_autoptr(GError) save_error = NULL;
  g_autofree char *save_path = NULL;
  gint deadline = SESAME_PROBER_DEFAULT_DEADLINE_MS;
  int status = EXIT_OK;
  static const char * const none[] = { NULL };
  GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &plan_path, N_("Check the ports of this plan"), "PLAN" },
    { "port", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ports, N_("Check this port, such as tcp/22"), "PROTO/N" },
    { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, &stun, N_("STUN server to use"), "HOST:PORT" },
    { "ip-url", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ip_urls, N_("“What is my IP” service to use"), "URL" },
    { "check-url", 0, 0, G_OPTION_ARG_STRING, &check_url, N_("Port check service, with {port} and {proto}"), "TEMPLATE" },
    { "reflector", 0, 0, G_OPTION_ARG_STRING, &reflector, N_("A sesame-reflector for STUN, the address and the port checks (its HTTP port: 8080)"), "HOST[:PORT]" },
    { "no-internet", 0, 0, G_OPTION_ARG_NONE, &no_internet, N_("Contact nothing beyond the router"), NULL },
    { "no-defaults", 0, 0, G_OPTION_ARG_NONE, &no_defaults, N_("Use only the servers given here"), NULL },
    { "deadline-ms", 0, 0, G_OPTION_ARG_INT, &deadline, N_("Give up after this many milliseconds"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "save", 0, 0, G_OPTION_ARG_NONE, &save, N_("Keep the results as the latest, for reports and later runs"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), "FILE" },
    { NULL }
  };

  if (!parse_options (entries, NULL, &argc, &argv, &status))
    return status;

  if (argc > 1)
    return usage_error (_("unexpected argument “%s”"), argv[1]);
  if (deadline < 50 || deadline > 60000)
    return usage_error (_("--deadline-ms takes a number from 50 to 60000"));
  /* A reflector stands for all three, unless one is given on its own */
  if (reflector != NULL)
    {
      g_autoptr(GError) reflector_error = NULL;
      g_autoptr(SesameReflectorServers) servers = sesame_reflector_servers_new (reflector, &reflector_error);

      if (servers == NULL)
        return usage_error ("%s", reflector_error->message);

      if (stun == NULL)
        {
          stun = g_new0 (char *, 2);
          stun[0] = g_steal_pointer (&servers->stun_server);
        }
      if (ip_urls == NULL)
        {
          ip_urls = g_new0 (char *, 2);
          ip_urls[0] = g_steal_pointer (&servers->ip_url);
        }
      if (check_url == NULL)
        check_url = g_steal_pointer (&servers->check_url);
    }

  if (check_url != NULL && strstr (check_url, "{port}") == NULL)
    return usage_error (_("the check URL must contain {port}"));

  for (guint i = 0; ports != NULL && ports[i] != NULL; i++)
    {
      g_autofree char *protocol = NULL;
      guint16 port;

      if (!parse_port_spec (ports[i], &protocol, &port))
        return usage_error (_("“%s” is not a port; write it as tcp/22 or udp/5060"), ports[i]);

      sesame_prober_add_port (prober, protocol, port);
    }

  if (plan_path != NULL && !add_plan_ports (prober, plan_path, &status))
    return status;

  sesame_prober_set_deadline (prober, (guint) deadline);
  sesame_prober_set_internet (prober, !no_internet);

  if (stun != NULL)
    sesame_prober_set_stun_servers (prober, (const char * const *) stun);
  else if (no_defaults)
    sesame_prober_set_stun_servers (prober, none);

  if (ip_urls != NULL)
    sesame_prober_set_ip_urls (prober, (const char * const *) ip_urls);
  else if (no_defaults)
    sesame_prober_set_ip_urls (prober, none);

  if (check_url != NULL || no_defaults)
    sesame_prober_set_check_url (prober, check_url);

  sesame_prober_run_async (prober, NULL, probe_cb, &result);
  while (!result.done)
    g_main_context_iteration (NULL, TRUE);

  if (result.report == NULL)
    return failure ("probe", result.error);

  if (save)
    {
      g_autoptr(SesameStore) store = sesame_store_new (NULL, NULL);
      g_autofree char *saved = sesame_probe_report_to_json (result.report);
      g_autofree char *moved_aside = NULL;

      /* A full disk loses nothing: the results still go to the output */
      if (!sesame_store_save_report (store, saved, &moved_aside, &save_error))
        save_path = g_strdup (sesame_store_get_report_path (store));
      if (moved_aside != NULL)
        {
          /* Translators: %s is a file name */
          g_autofree char *notice = g_strdup_printf (_("the probe results kept before could not be read, so they were moved to %s instead of into the history"),
                                                     moved_aside);
          g_printerr ("sesame-cli: %s\n", notice);
        }
    }

  if (json)
    text = sesame_probe_report_to_json (result.report);
  else
    {
      g_autofree char *facts = report_to_text (result.report);
      GString *out = g_string_new (facts);

      append_findings (out, result.report, plan_path);
      text = g_string_free (out, FALSE);
    }
  sesame_probe_report_free (result.report);

  if (!write_output (output, text, &error))
    return failure (output ? output : "stdout", error);

  if (save_error != NULL)
    {
      /* Translators: the first %s is a file name, the second the reason */
      g_autofree char *notice = g_strdup_printf (_("the results could not be kept in %s (%s); they are only in this output"),
                                                 save_path, save_error->message);

      g_printerr ("sesame-cli: %s\n", notice);
      return EXIT_FAILURE_;
    }

  return EXIT_OK;
}

/* Runs the main loop until an asynchronous call of the command has answered */
static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

#define MAP_TIMEOUT_MS 2000

typedef enum
{
  VIA_ANY,
  VIA_UPNP,
  VIA_NATPMP,
  VIA_PCP,
} Via;

typedef struct
{
  SesameProbeReport *local;
  SesameUpnpClient  *upnp;       /* nullable: when found */
  SesamePmpClient   *pmp;
} Router;

static void
router_clear (Router *router)
{
  g_clear_pointer (&router->local, sesame_probe_report_free);
  g_clear_object (&router->upnp);
  g_clear_object (&router->pmp);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Router, router_clear)

static gboolean
parse_via (const char *text,
           Via        *via)
{
  static const char * const names[] = { "upnp", "natpmp", "pcp", NULL };

  if (text == NULL)
    {
      *via = VIA_ANY;
      return TRUE;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (text, names[i]))
        {
          *via = (Via) (i + 1);
          return TRUE;
        }
    }

  return FALSE;
}

/* The router, found the way asked: UPnP IGD first, unless told otherwise. The IGD
 * at the gateway is preferred; with @igd_host, only the IGD on that host is taken. */
static gboolean
find_router (Router      *router,
             Via          via,
             const char  *igd_host,
             GError     **error)
{
  g_autoptr(GInetAddress) gateway = NULL;
  g_autoptr(GInetAddress) local = NULL;

  router->local = sesame_probe_report_new ();
  sesame_local_probe_run (router->local);

  if (router->local->gateway == NULL || router->local->local_address == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                           router->local->local_reason ? router->local->local_reason
                                                       : _("there is no router to ask"));
      return FALSE;
    }

  gateway = g_inet_address_new_from_string (router->local->gateway);
  local = g_inet_address_new_from_string (router->local->local_address);

  if (via == VIA_ANY || via == VIA_UPNP)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(SesameUpnpClient) upnp = sesame_upnp_client_new (NULL, local);
      g_autoptr(SesameUpnpDevice) device = NULL;
      g_autoptr(GError) local_error = NULL;

      sesame_upnp_client_set_gateway (upnp, router->local->gateway);
      sesame_upnp_client_set_igd_host (upnp, igd_host);
      sesame_upnp_client_discover_async (upnp, MAP_TIMEOUT_MS, NULL, store_result, &result);
      device = sesame_upnp_client_discover_finish (upnp, wait_for (&result), &local_error);

      if (device != NULL)
        router->upnp = g_steal_pointer (&upnp);
      else if (via == VIA_UPNP || igd_host != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (router->upnp == NULL)
    {
      router->pmp = sesame_pmp_client_new (gateway, local);
      if (via == VIA_PCP)
        sesame_pmp_client_set_protocols (router->pmp, SESAME_PMP_PROTOCOLS_PCP);
      else if (via == VIA_NATPMP)
        sesame_pmp_client_set_protocols (router->pmp, SESAME_PMP_PROTOCOLS_NATPMP);
    }

  return TRUE;
}

static int
map_list (Router   *router,
          Via       via,
          gboolean  json)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  g_autofree char *text = NULL;
  SesameUpnpListEnd end = SESAME_UPNP_LIST_END_STOPPED;
  guint unreadable = 0;
  const SesameUpnpDevice *device;
  GString *notes = g_string_new (NULL);

  if (router->upnp == NULL && (via == VIA_NATPMP || via == VIA_PCP))
    {
      /* UPnP was not asked: saying it did not answer would be wrong */
      g_printerr ("sesame-cli: map: %s\n",
                  _("NAT-PMP and PCP cannot list a router’s mappings; only UPnP IGD can (map list without --via)"));
      return EXIT_FAILURE_;
    }

  if (router->upnp == NULL)
    {
      g_printerr ("sesame-cli: map: %s\n",
                  _("the router does not list its mappings: only UPnP IGD can, and it did not answer"));
      return EXIT_FAILURE_;
    }

  sesame_upnp_client_list_mappings_async (router->upnp, MAP_TIMEOUT_MS, NULL, store_result, &result);
  mappings = sesame_upnp_client_list_mappings_finish (router->upnp, wait_for (&result), &end, &unreadable, &error);
  if (mappings == NULL)
    {
      g_string_free (notes, TRUE);
      return failure ("map", error);
    }

  /* One line per thing to know about the list, after it */
  device = sesame_upnp_client_get_device (router->upnp);
  if (!device->is_gateway)
    /* Translators: the first %s is the address of a UPnP device, the second the gateway's */
    g_string_append_printf (notes, _("These are the mappings of the UPnP IGD at %s, which is not the gateway %s.\n"),
                            device->address, router->local->gateway);
  if (end == SESAME_UPNP_LIST_END_LIMIT)
    /* Translators: both %u are the same number, 256 */
    g_string_append_printf (notes, _("The router has more than %u mappings; the first %u are shown.\n"),
                            SESAME_UPNP_MAX_MAPPINGS, SESAME_UPNP_MAX_MAPPINGS);
  else if (end == SESAME_UPNP_LIST_END_STOPPED)
    g_string_append (notes, _("(The router stopped answering before the end of the list.)\n"));
  if (unreadable > 0)
    g_string_append_printf (notes, g_dngettext (GETTEXT_PACKAGE,
                                                "(%u entry the router listed could not be read and is left out.)\n",
                                                "(%u entries the router listed could not be read and are left out.)\n",
                                                unreadable),
                            unreadable);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < mappings->len; i++)
        {
          const SesameUpnpMapping *m = g_ptr_array_index (mappings, i);

          g_autofree char *protocol = g_ascii_strdown (sesame_upnp_protocol_to_string (m->protocol), -1);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "protocol");
          json_builder_add_string_value (builder, protocol);
          json_builder_set_member_name (builder, "external_port");
          json_builder_add_int_value (builder, m->external_port);
          json_builder_set_member_name (builder, "internal_address");
          json_builder_add_string_value (builder, m->internal_client);
          json_builder_set_member_name (builder, "internal_port");
          json_builder_add_int_value (builder, m->internal_port);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, m->description);
          json_builder_set_member_name (builder, "lease");
          json_builder_add_int_value (builder, m->lease_seconds);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = sesame_json_to_string (root);
    }
  else
    {
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < mappings->len; i++)
        {
          const SesameUpnpMapping *m = g_ptr_array_index (mappings, i);

          g_string_append_printf (out, "%s %u → %s:%u  %s  (%u s)\n", sesame_upnp_protocol_to_string (m->protocol),
                                  m->external_port, m->internal_client, m->internal_port, m->description,
                                  m->lease_seconds);
        }
      if (mappings->len == 0)
        g_string_append (out, _("The router has no port mappings.\n"));
      g_string_append (out, notes->str);
      g_string_truncate (notes, 0);
      text = g_string_free (out, FALSE);
    }

  /* With --json the notes go to stderr, the list alone to stdout */
  if (notes->len > 0)
    g_printerr ("%s", notes->str);
  g_string_free (notes, TRUE);

  if (!write_output (NULL, text, &error))
    return failure ("stdout", error);

  return EXIT_OK;
}

/* NAT-PMP and PCP cannot list mappings, and remove them by the port on this
 * computer: Sesame keeps what it mapped with them (router, protocol, external
 * and internal port, lease end) in $XDG_DATA_HOME/sesame/pmp-mappings.ini,
 * so that "map remove --port N" finds the mapping of external port N, and
 * knows when there is none. */
static char *
pmp_record_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "sesame", "pmp-mappings.ini", NULL);
}

static char *
pmp_record_group (Router     *router,
                  const char *protocol,
                  guint16     external_port)
{
  return g_strdup_printf ("%s %s %u", router->local->gateway, protocol, external_port);
}

/* Read through the one file reader (a regular file, at most this much) and
 * replaced atomically through sesame_file_replace () */
#define PMP_RECORDS_MAX_SIZE (64 * 1024)

static GKeyFile *
pmp_records_load (void)
{
  g_autofree char *path = pmp_record_path ();
  g_autofree char *text = NULL;
  GKeyFile *records = g_key_file_new ();

  /* A file that cannot be read holds no records: every lease ends anyway */
  if ((text = sesame_file_read_text (path, PMP_RECORDS_MAX_SIZE, NULL)) != NULL)
    g_key_file_load_from_data (records, text, -1, G_KEY_FILE_NONE, NULL);

  return records;
}

/* Records whose lease has ended are dropped, so that the file holds only
 * mappings that may still be there; one that would grow past the cap is
 * not written, and the next "map remove" of the port then says it cannot
 * find the mapping */
static void
pmp_records_save (GKeyFile *records)
{
  g_autofree char *path = pmp_record_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_auto(GStrv) groups = g_key_file_get_groups (records, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  for (guint i = 0; groups[i] != NULL; i++)
    if (g_key_file_get_int64 (records, groups[i], "ends", NULL) <= now)
      g_key_file_remove_group (records, groups[i], NULL);

  data = g_key_file_to_data (records, &length, NULL);
  if (length > PMP_RECORDS_MAX_SIZE)
    {
      g_debug ("not keeping the NAT-PMP/PCP mappings: more than %u bytes", PMP_RECORDS_MAX_SIZE);
      return;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("could not keep the NAT-PMP/PCP mappings: %s", g_strerror (errno));
  else if (!sesame_file_replace (path, data, length, 0600, &error))
    g_debug ("could not keep the NAT-PMP/PCP mappings: %s", error->message);
}

static void
pmp_record_add (Router                 *router,
                const char             *protocol,
                const SesamePmpMapping *mapping)
{
  g_autoptr(GKeyFile) records = pmp_records_load ();
  g_autofree char *group = pmp_record_group (router, protocol, mapping->external_port);

  g_key_file_set_integer (records, group, "internal-port", mapping->internal_port);
  g_key_file_set_int64 (records, group, "ends", g_get_real_time () / G_USEC_PER_SEC + mapping->lifetime);
  pmp_records_save (records);
}

/* The internal port of the mapping Sesame made of @external_port, or 0 when
 * it made none or its lease has ended */
static guint16
pmp_record_lookup (Router     *router,
                   const char *protocol,
                   guint16     external_port)
{
  g_autoptr(GKeyFile) records = pmp_records_load ();
  g_autofree char *group = pmp_record_group (router, protocol, external_port);
  gint internal = g_key_file_get_integer (records, group, "internal-port", NULL);
  gint64 ends = g_key_file_get_int64 (records, group, "ends", NULL);

  if (internal < 1 || internal > 65535 || ends <= g_get_real_time () / G_USEC_PER_SEC)
    return 0;

  return (guint16) internal;
}

static void
pmp_record_remove (Router     *router,
                   const char *protocol,
                   guint16     external_port)
{
  g_autoptr(GKeyFile) records = pmp_records_load ();
  g_autofree char *group = pmp_record_group (router, protocol, external_port);

  if (g_key_file_remove_group (records, group, NULL))
    pmp_records_save (records);
}

static int
map_add (Router     *router,
         const char *protocol,
         guint16     port,
         guint16     internal_port,
         guint32     lease)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = router->local->local_address;
  gboolean tcp = g_str_equal (protocol, "tcp");

  if (router->upnp != NULL)
    {
      sesame_upnp_client_add_mapping_async (router->upnp, tcp ? SESAME_UPNP_PROTOCOL_TCP : SESAME_UPNP_PROTOCOL_UDP,
                                            port, address, internal_port, "Sesame", lease,
                                            MAP_TIMEOUT_MS, NULL, store_result, &result);
      if (!sesame_upnp_client_add_mapping_finish (router->upnp, wait_for (&result), &error))
        return failure ("map", error);

      /* Translators: "Added TCP 40000 → 192.168.11.5:40000 for 3600 s with UPnP IGD." */
      g_print (_("Added %s %u → %s:%u for %u s with %s.\n"), sesame_protocol_label_for_string (protocol), port, address,
               internal_port, lease, "UPnP IGD");
    }
  else
    {
      g_autoptr(SesamePmpMapping) mapping = NULL;

      sesame_pmp_client_add_mapping_async (router->pmp, tcp ? SESAME_PMP_TRANSPORT_TCP : SESAME_PMP_TRANSPORT_UDP,
                                           internal_port, port, lease, MAP_TIMEOUT_MS, NULL,
                                           store_result, &result);
      mapping = sesame_pmp_client_add_mapping_finish (router->pmp, wait_for (&result), &error);
      if (mapping == NULL)
        return failure ("map", error);
      pmp_record_add (router, protocol, mapping);

      g_print (_("Added %s %u → %s:%u for %u s with %s.\n"), sesame_protocol_label_for_string (protocol), mapping->external_port,
               address, internal_port, mapping->lifetime,
               mapping->protocol == SESAME_PMP_PROTOCOL_PCP ? "PCP" : "NAT-PMP");
    }

  return EXIT_OK;
}

static int
no_such_mapping (const char *protocol,
                 guint16     port)
{
  /* Translators: "sesame-cli: map: the router has no mapping of TCP 40000; nothing was removed" */
  g_printerr (_("sesame-cli: map: the router has no mapping of %s %u; nothing was removed\n"),
              sesame_protocol_label_for_string (protocol), port);
  return EXIT_FAILURE_;
}

/* Whether the UPnP IGD lists a mapping of @port: TRUE when it does or the
 * list cannot tell (cut, or unreadable) */
static gboolean
upnp_has_mapping (Router            *router,
                  SesameUpnpProtocol protocol,
                  guint16            port)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) mappings = NULL;
  SesameUpnpListEnd end = SESAME_UPNP_LIST_END_STOPPED;
  guint unreadable = 0;

  sesame_upnp_client_list_mappings_async (router->upnp, MAP_TIMEOUT_MS, NULL, store_result, &result);
  mappings = sesame_upnp_client_list_mappings_finish (router->upnp, wait_for (&result), &end, &unreadable, NULL);
  if (mappings == NULL || end != SESAME_UPNP_LIST_END_COMPLETE || unreadable > 0)
    return TRUE;

  for (guint i = 0; i < mappings->len; i++)
    {
      const SesameUpnpMapping *m = g_ptr_array_index (mappings, i);

      if (m->protocol == protocol && m->external_port == port)
        return TRUE;
    }

  return FALSE;
}

static int
map_remove (Router     *router,
            const char *protocol,
            guint16     port,
            guint16     internal_port)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean tcp = g_str_equal (protocol, "tcp");

  if (router->upnp != NULL)
    {
      SesameUpnpProtocol upnp_protocol = tcp ? SESAME_UPNP_PROTOCOL_TCP : SESAME_UPNP_PROTOCOL_UDP;

      /* Some IGDs confirm the removal of a mapping they never had */
      if (!upnp_has_mapping (router, upnp_protocol, port))
        return no_such_mapping (protocol, port);

      sesame_upnp_client_delete_mapping_async (router->upnp, upnp_protocol,
                                               port, MAP_TIMEOUT_MS, NULL, store_result, &result);
      if (!sesame_upnp_client_delete_mapping_finish (router->upnp, wait_for (&result), &error))
        {
          if (g_error_matches (error, SESAME_UPNP_ACTION_ERROR, SESAME_UPNP_ACTION_ERROR_NO_SUCH_ENTRY))
            return no_such_mapping (protocol, port);
          return failure ("map", error);
        }
    }
  else
    {
      SesamePmpProtocol used;

      /* NAT-PMP and PCP remove by the port on this computer, and confirm the
       * removal of a mapping that is not there: the one Sesame made of
       * @port tells it, unless the person named the internal port */
      if (internal_port == 0)
        internal_port = pmp_record_lookup (router, protocol, port);
      if (internal_port == 0)
        {
          /* Translators: "sesame-cli: map: Sesame has not mapped TCP 40000 on this router with NAT-PMP or PCP …" */
          g_printerr (_("sesame-cli: map: Sesame has not mapped %s %u on this router with NAT-PMP or PCP, or its lease "
                        "has ended; nothing was removed. These protocols cannot list mappings: for one another "
                        "program made, give its port on this computer with --internal-port N\n"),
                      sesame_protocol_label_for_string (protocol), port);
          return EXIT_FAILURE_;
        }

      sesame_pmp_client_remove_mapping_async (router->pmp, tcp ? SESAME_PMP_TRANSPORT_TCP : SESAME_PMP_TRANSPORT_UDP,
                                              internal_port, MAP_TIMEOUT_MS, NULL, store_result, &result);
      if (!sesame_pmp_client_remove_mapping_finish (router->pmp, wait_for (&result), &used, &error))
        return failure ("map", error);
      pmp_record_remove (router, protocol, port);
    }

  /* Translators: "Removed the mapping of TCP 40000." */
  g_print (_("Removed the mapping of %s %u.\n"), sesame_protocol_label_for_string (protocol), port);
  return EXIT_OK;
}

static int
command_map (int    argc,
             char **argv)
{
  g_auto(Router) router = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *protocol = NULL;
  g_autofree char *via_name = NULL;
  g_autofree char *igd_host = NULL;
  gint port = 0;
  gint internal_port = 0;
  gint lease = 3600;
  gboolean json = FALSE;
  int status = EXIT_OK;
  Via via;
  GOptionEntry entries[] = {
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &protocol, N_("tcp or udp"), "PROTO" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("The external port"), "N" },
    { "internal-port", 0, 0, G_OPTION_ARG_INT, &internal_port, N_("The port on this computer (default: the same)"), "N" },
    { "lease", 0, 0, G_OPTION_ARG_INT, &lease, N_("How long the mapping lasts, in seconds (default 3600)"), "S" },
    { "via", 0, 0, G_OPTION_ARG_STRING, &via_name, N_("upnp, natpmp or pcp"), "WAY" },
    { "igd-host", 0, 0, G_OPTION_ARG_STRING, &igd_host,
      N_("Use the UPnP IGD at this address, even if it is not the gateway"), "ADDRESS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options (entries, "list|add|remove", &argc, &argv, &status))
    return status;

  if (argc != 2 || (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "add") && !g_str_equal (argv[1], "remove")))
    return usage_error (_("the map command takes: list, add or remove"));

  if (!parse_via (via_name, &via))
    return usage_error (_("“%s” is not a way to map; use upnp, natpmp or pcp"), via_name);

  if (igd_host != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (igd_host);

      if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
        return usage_error (_("--igd-host takes the IPv4 address of a UPnP IGD"));
      if (via == VIA_NATPMP || via == VIA_PCP)
        return usage_error (_("--igd-host is for UPnP IGD, not for NAT-PMP or PCP"));
    }

  if (!g_str_equal (argv[1], "list"))
    {
      /* Nothing is mapped without explicit flags */
      if (protocol == NULL || (!g_str_equal (protocol, "tcp") && !g_str_equal (protocol, "udp")))
        return usage_error (_("--protocol tcp or --protocol udp is required"));
      if (port < 1 || port > 65535)
        return usage_error (_("--port N is required, from 1 to 65535"));
      /* NAT-PMP and PCP remove by the internal port: remove finds it */
      if (internal_port == 0 && g_str_equal (argv[1], "add"))
        internal_port = port;
      if ((internal_port != 0 || g_str_equal (argv[1], "add")) && (internal_port < 1 || internal_port > 65535))
        return usage_error (_("--internal-port takes a port from 1 to 65535"));
      if (lease < 1 || lease > 604800)
        return usage_error (_("--lease takes a number of seconds from 1 to 604800: a mapping always ends"));
    }

  if (!find_router (&router, via, igd_host, &error))
    return failure ("map", error);

  /* A device that answers UPnP but is not the gateway could be any computer on
   * the network: the router changes there only when the person named it */
  if (!g_str_equal (argv[1], "list") && router.upnp != NULL && igd_host == NULL &&
      !sesame_upnp_client_get_device (router.upnp)->is_gateway)
    {
      const char *address = sesame_upnp_client_get_device (router.upnp)->address;

      /* Translators: the first and third %s are the address of a UPnP device, the
       * second the gateway's address */
      g_printerr (_("sesame-cli: map: the UPnP IGD that answered is at %s, not at the gateway %s; nothing was "
                    "changed. If you trust that device, name it with --igd-host %s\n"),
                  address, router.local->gateway, address);
      return EXIT_FAILURE_;
    }

  if (g_str_equal (argv[1], "list"))
    return map_list (&router, via, json);
  if (g_str_equal (argv[1], "add"))
    return map_add (&router, protocol, (guint16) port, (guint16) internal_port, (guint32) lease);

  return map_remove (&router, protocol, (guint16) port, (guint16) internal_port);
}

static int
command_report (int    argc,
                char **argv)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(SesameProbeReport) probe = NULL;
  g_autoptr(GBytes) probe_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *probe_path = NULL;
  g_autofree char *language = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  SesameExportSource source = { NULL };
  SesameExportFormat format = SESAME_EXPORT_FORMAT_MARKDOWN;
  gboolean redact = FALSE;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &plan_path, N_("The plan to report on"), "PLAN" },
    { "probe-report", 0, 0, G_OPTION_ARG_FILENAME, &probe_path, N_("Probe results to include (default: the latest kept)"), "REPORT" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &language, N_("Language of the report: en or ja"), "LANG" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("text, markdown, html, json or pdf"), "FORMAT" },
    { "redact", 0, 0, G_OPTION_ARG_NONE, &redact, N_("Hide the public address and names, for sharing"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), "FILE" },
    { NULL }
  };

  if (!parse_options (entries, NULL, &argc, &argv, &status) ||
      !check_document_options (argc, argv, plan_path, format_name, language, output, &format, &status) ||
      !(plan = load_plan (plan_path, &catalog, &status)))
    return status;

  if (probe_path != NULL)
    {
      /* A regular file of at most 1 MiB: not /dev/zero, not a FIFO */
      if (!(probe_bytes = sesame_file_read (probe_path, SESAME_FILE_MAX_SIZE, &error)) ||
          !(probe = sesame_probe_report_new_from_json (probe_bytes, &error)))
        return failure (probe_path, error);
    }
  else
    {
      /* The results kept by "probe --save": when they cannot be read the
       * report is written without them, and they are moved aside, so that
       * the next run does not stumble on them again */
      g_autoptr(SesameStore) store = sesame_store_new (NULL, NULL);
      g_autofree char *moved_aside = NULL;

      probe_bytes = sesame_store_load_report (store, &moved_aside, &error);
      if (probe_bytes != NULL)
        probe = sesame_probe_report_new_from_json (probe_bytes, &error);

      if (error != NULL)
        {
          g_autofree char *notice = NULL;

          if (moved_aside != NULL)
            /* Translators: the first %s is the reason, the second a file name */
            notice = g_strdup_printf (_("the kept probe results could not be read (%s); they were moved to %s, and this report is without them"),
                                      error->message, moved_aside);
          else
            /* Translators: %s is the reason */
            notice = g_strdup_printf (_("the kept probe results could not be read (%s); this report is without them"),
                                      error->message);
          g_printerr ("sesame-cli: %s: %s\n", sesame_store_get_report_path (store), notice);
          g_clear_error (&error);
        }
    }

  if (!(checklist = sesame_checklist_new (plan, catalog, language, &error)))
    return failure (plan_path, error);

  /* What the results mean, in the report's words, before the checklist */
  if (probe != NULL && !add_findings (checklist, catalog, probe, &status))
    return status;

  /* Names stay out of a report to be shared; what the results mean stays */
  source.checklist = checklist;
  source.catalog = catalog;
  source.probe = probe;
  source.date = today;
  return export_document (&source, SESAME_DOCUMENT_SETTINGS_REPORT, format, redact, output);
}

/* What to do when the router was replaced: the old plan against the new one */
/* What an IPv6 address says about the line's IPv4: MAP-E with its port
 * set, DS-Lite, or neither. No server is contacted. */
static char *
portset_to_text (const SesamePortset *portset)
{
  GString *text = g_string_new (NULL);

  switch (portset->method)
    {
    case SESAME_TRANSITION_NONE:
      g_string_append (text, _("No known IPv4-over-IPv6 provider uses this address: no MAP-E port set and no DS-Lite.\n"));
      break;

    case SESAME_TRANSITION_DS_LITE:
      /* Translators: %s is the provider, e.g. "transix (インターネットマルチフィード)" */
      g_string_append_printf (text, _("DS-Lite (%s): the IPv4 address is shared at the provider and no IPv4 port can be forwarded. Offer the service over IPv6 instead.\n"),
                              portset->provider);
      break;

    case SESAME_TRANSITION_MAP_E:
      if (!portset->rule_known)
        {
          /* Translators: %s is the provider, e.g. "BIGLOBE IPv6オプション" */
          g_string_append_printf (text, _("MAP-E (%s), but Sesame does not know the provider's rule for this address: the router's status page shows the IPv4 address and the usable ports.\n"),
                                  portset->provider);
        }
      else
        {
          g_autofree char *ipv4 = sesame_portset_ipv4_to_string (portset);
          g_autofree char *ports = sesame_portset_ports_to_string (portset, 0);

          /* Translators: %s the provider; then the shared IPv4 address, the PSID, the number of ports */
          g_string_append_printf (text, _("MAP-E (%s): shared IPv4 address %s, PSID %u, %u usable ports:\n"),
                                  portset->provider, ipv4, portset->psid, portset->port_count);
          g_string_append_printf (text, "  %s\n", ports);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  if (portset->source != NULL)
    /* Translators: where the provider's rule is published */
    g_string_append_printf (text, _("Source: %s\n"), portset->source);
  if (portset->uncertain)
    g_string_append (text, _("Not confirmed by two independent sources: check it on the router's status page.\n"));

  return g_string_free (text, FALSE);
}

static int
command_portset (int    argc,
                 char **argv)
{
  g_autoptr(SesamePortset) portset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *text = NULL;
  gboolean json = FALSE;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "ipv6", 0, 0, G_OPTION_ARG_STRING, &address, N_("The line's IPv6 address or prefix"), "ADDRESS[/LENGTH]" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options (entries, NULL, &argc, &argv, &status))
    return status;

  if (argc > 1)
    return usage_error (_("unexpected argument “%s”"), argv[1]);
  if (address == NULL)
    return usage_error (_("--ipv6 ADDRESS is required"));

  if (!(portset = sesame_portset_lookup_text (address, &error)))
    return failure ("--ipv6", error);

  if (json)
    {
      g_autoptr(JsonNode) node = sesame_portset_to_json_node (portset);
      text = sesame_json_to_string (node);
    }
  else
    text = portset_to_text (portset);

  if (!write_output (NULL, text, &error))
    return failure ("stdout", error);

  return EXIT_OK;
}

static int
command_diff (int    argc,
              char **argv)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) old_plan = NULL;
  g_autoptr(SesamePlan) new_plan = NULL;
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *new_path = NULL;
  g_autofree char *language = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  SesameExportSource source = { NULL };
  SesameExportFormat format = SESAME_EXPORT_FORMAT_TEXT;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "old", 0, 0, G_OPTION_ARG_FILENAME, &old_path, N_("The plan for the old router"), "PLAN" },
    { "new", 0, 0, G_OPTION_ARG_FILENAME, &new_path, N_("The plan for the new router"), "PLAN" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &language, N_("Language of the checklist: en or ja"), "LANG" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("text, markdown, html, json or pdf"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), "FILE" },
    { NULL }
  };

  if (!parse_options (entries, NULL, &argc, &argv, &status))
    return status;

  if (old_path == NULL || new_path == NULL)
    return usage_error (_("--old PLAN and --new PLAN are required"));

  if (!check_document_options (argc, argv, new_path, format_name, language, output, &format, &status) ||
      !(old_plan = load_plan (old_path, &catalog, &status)) ||
      !(new_plan = load_plan (new_path, &catalog, &status)))
    return status;

  if (!(migration = sesame_migration_new (old_plan, new_plan, catalog, language, &error)))
    return failure (new_path, error);

  source.checklist = sesame_migration_get_new_checklist (migration);
  source.migration = migration;
  source.date = today;
  return export_document (&source, SESAME_DOCUMENT_ROUTER_CHANGE, format, FALSE, output);
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    return usage_error (_("say what to do"));

  command = argv[1];

  if (g_str_equal (command, "--version"))
    {
      g_print ("sesame-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      g_print ("%s", _(usage));
      return EXIT_OK;
    }

  /* The subcommand sees itself as argv[0] */
  if (g_str_equal (command, "catalog"))
    return command_catalog (argc - 1, argv + 1);
  if (g_str_equal (command, "plan"))
    return command_plan (argc - 1, argv + 1);
  if (g_str_equal (command, "checklist"))
    return command_checklist (argc - 1, argv + 1);
  if (g_str_equal (command, "probe"))
    return command_probe (argc - 1, argv + 1);
  if (g_str_equal (command, "map"))
    return command_map (argc - 1, argv + 1);
  if (g_str_equal (command, "report"))
    return command_report (argc - 1, argv + 1);
  if (g_str_equal (command, "diff"))
    return command_diff (argc - 1, argv + 1);
  if (g_str_equal (command, "portset"))
    return command_portset (argc - 1, argv + 1);

  return usage_error (_("“%s” is not a command"), command);
}
