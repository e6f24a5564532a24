/* sesame-cli.c: every capability of Sesame without a display
 *
 * Exit status: 0 success, 1 bad input or failure (one line on stderr),
 * 2 bad usage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sesame-catalog.h"
#include "sesame-checklist.h"
#include "sesame-checklist-writer.h"
#include "sesame-json.h"
#include "sesame-plan.h"
#include "sesame-translation.h"

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
     "  sesame-cli checklist --plan PLAN [--lang en|ja] [--format text|markdown|html|json] [-o FILE]\n");

G_GNUC_PRINTF (1, 2)
static int
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("sesame-cli: %s\n", message);
  g_printerr (_("Try “sesame-cli --help”.\n"));
  return EXIT_USAGE;
}

/* One line: the first problem, and how many more there are */
static int
failure (const char   *what,
         const GError *error)
{
  const char *newline = strchr (error->message, '\n');

  if (newline == NULL)
    g_printerr ("sesame-cli: %s: %s\n", what, error->message);
  else
    {
      guint more = 0;

      for (const char *p = newline; p != NULL; p = strchr (p + 1, '\n'))
        more++;

      g_printerr ("sesame-cli: %s: %.*s ", what, (int) (newline - error->message), error->message);
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "(and %u more problem; “sesame-cli plan check” lists them all)\n",
                               "(and %u more problems; “sesame-cli plan check” lists them all)\n",
                               more),
                  more);
    }

  return EXIT_FAILURE_;
}

static gboolean
write_output (const char  *output,
              const char  *text,
              GError     **error)
{
  if (output == NULL || g_str_equal (output, "-"))
    {
      gsize length = strlen (text);

      if (fwrite (text, 1, length, stdout) != length || fflush (stdout) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not write to standard output"));
          return FALSE;
        }
      return TRUE;
    }

  return g_file_set_contents_full (output, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0644, error);
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

  if (!(plan = sesame_plan_load_from_file (argv[2], catalog, &error)))
    {
      g_auto(GStrv) problems = g_strsplit (error->message, "\n", -1);

      for (guint i = 0; problems[i] != NULL; i++)
        g_printerr ("%s: %s\n", argv[2], problems[i]);

      return EXIT_FAILURE_;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "%s: the plan is valid (%u service, router “%s”)\n",
                        "%s: the plan is valid (%u services, router “%s”)\n",
                        g_strv_length ((char **)sesame_plan_get_services (plan))),
           argv[2], g_strv_length ((char **)sesame_plan_get_services (plan)),
           sesame_plan_get_router_id (plan));

  return EXIT_OK;
}

static int
command_checklist (int    argc,
                   char **argv)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *language = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  SesameChecklistFormat format = SESAME_CHECKLIST_FORMAT_TEXT;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &plan_path, N_("The plan to read"), "PLAN" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &language, N_("Language of the checklist: en or ja"), "LANG" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("text, markdown, html or json"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of standard output"), "FILE" },
    { NULL }
  };

  if (!parse_options (entries, NULL, &argc, &argv, &status))
    return status;

  if (argc > 1)
    return usage_error (_("unexpected argument “%s”"), argv[1]);
  if (plan_path == NULL)
    return usage_error (_("--plan PLAN is required"));
  if (format_name != NULL && !sesame_checklist_format_from_string (format_name, &format))
    return usage_error (_("“%s” is not a format; use text, markdown, html or json"), format_name);
  if (!check_language (language, &status))
    return status;

  if (!(catalog = load_catalog (&status)))
    return status;

  if (!(plan = sesame_plan_load_from_file (plan_path, catalog, &error)))
    return failure (plan_path, error);

  if (!(checklist = sesame_checklist_new (plan, catalog, language, &error)))
    return failure (plan_path, error);

  text = sesame_checklist_write (checklist, format);

  if (!write_output (output, text, &error))
    return failure (output ? output : "stdout", error);

  return EXIT_OK;
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

  return usage_error (_("“%s” is not a command"), command);
}
