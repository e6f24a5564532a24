/* sesame-checklist-page.c
 *
 * The last page: the checklist for this plan, drawn from the one outline
 * (sesame_checklist_build_outline ()) in the report language (which may
 * differ from the UI language), to tick off row by row, print, and save
 * in several formats (sesame_export_write ()). The page decides only how
 * each kind of section looks. Where the router takes port mapping
 * requests (UPnP IGD, NAT-PMP, PCP), Sesame offers to add the forwarding
 * rows itself, and only after the person has seen and agreed to exactly
 * what it will add.
 *
 * After "I replaced my router" the window keeps the plan as it was, and the
 * page shows the router change checklist instead (what changed, the new
 * router's rows, what to delete from the old router), drawn from
 * sesame_migration_build_outline () as Print prints it and Save saves it.
 *
 * The router-mapping group keeps only its widgets (the rows, the consent
 * dialog, progress); SesamePortMapper (src/probes) plans the mappings and
 * asks the router, one request at a time, over UPnP, NAT-PMP or PCP.
 *
 * Over 1,000 lines, for now: rendering every kind of section from the
 * outline (about 650 lines), saving with its file chooser (about 530) and
 * the mapping group's widgets are here; printing is SesamePrintOperation.
 * Rendering and saving are what would move out next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checklist-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-checklist.h"
#include "sesame-checklist-page.h"
#include "sesame-checklist-writer.h"
#include "sesame-file.h"
#include "sesame-findings.h"
#include "sesame-gui.h"
#include "sesame-migration.h"
#include "sesame-migration-writer.h"
#include "sesame-port-mapper.h"
#include "sesame-print-operation.h"
#include "sesame-settings-report.h"
#include "sesame-text-document.h"
#include "sesame-translation.h"
#include "sesame-window.h"

typedef enum
{
  MAP_WAITING,
  MAP_ADDING,
  MAP_ADDED,
  MAP_FAILED,
  MAP_STOPPED,
  MAP_REMOVING,
  MAP_REMOVED,
} MapState;

/* One port mapping's row: one port of a forwarding row */
typedef struct
{
  SesamePortMapping *port;        /* what the mapper asks for and what became of it */
  MapState        state;
  AdwActionRow   *row;            /* unowned: in mapping_list */
  GtkSpinner     *spinner;        /* unowned */
  GtkImage       *icon;           /* unowned */
} Mapping;

struct _SesameChecklistPage
{
  SesamePage            parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkButton            *print_button;
  GtkStack             *stack;
  GtkBox               *router_box;
  GtkBox               *rest_box;
  AdwPreferencesGroup  *mapping_group;
  GtkListBox           *mapping_list;
  AdwStatusPage        *error_page;

  SesameChecklist      *checklist;        /* nullable: none while the plan is incomplete */
  SesameMigration      *migration;        /* nullable: only after a router change that changed something */
  SesameWindow         *window;           /* unowned, nullable: the window the page is in */
  gulong                previous_plan_handler;  /* on window */
  char                 *text;             /* the checklist as text, or why there is none */
  GHashTable           *ticked;           /* forwarding rows ticked off, by row_key() */
  GtkPrintSettings     *print_settings;   /* nullable: as the last print left them */
  GtkFileChooserNative *chooser;          /* nullable: while the person picks a file */
  gboolean              redact_report;    /* settings reports leave out addresses and names */

  /* Port mappings on the router */
  GPtrArray            *mappings;         /* nullable, element-type Mapping: the last agreed set */
  GPtrArray            *ports;            /* nullable, element-type SesamePortMapping: the same */
  GCancellable         *map_cancellable;  /* nullable: while adding or removing */
  SesamePortMapper     *mapper;           /* nullable: the router that took them */
  gboolean              removing;
  gboolean              remap_render;     /* Sesame changed the mappings: the next checks
                                           * to end make the page again */
};

G_DEFINE_FINAL_TYPE (SesameChecklistPage, sesame_checklist_page, SESAME_TYPE_PAGE)

enum {
  PROP_0,
  PROP_REPORT_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What each export writes, for the file chooser */
typedef enum
{
  FAMILY_CHECKLIST,
  FAMILY_PLAN,
  FAMILY_REPORT,
  FAMILY_MIGRATION,
} ExportFamily;

static const struct
{
  SesameExport        what;
  ExportFamily        family;
  SesameExportFormat  export_format;
  const char   *format;      /* the save-as action's parameter */
  const char   *suffixes[3];
  const char   *name;
} exports[] = {
  { SESAME_EXPORT_CHECKLIST_PDF, FAMILY_CHECKLIST, SESAME_EXPORT_FORMAT_PDF, "pdf", { "pdf", NULL }, N_("PDF document") },
  { SESAME_EXPORT_CHECKLIST_HTML, FAMILY_CHECKLIST, SESAME_EXPORT_FORMAT_HTML, "html", { "html", "htm", NULL }, N_("Web page (HTML)") },
  { SESAME_EXPORT_CHECKLIST_MARKDOWN, FAMILY_CHECKLIST, SESAME_EXPORT_FORMAT_MARKDOWN, "markdown", { "md", "markdown", NULL }, N_("Markdown") },
  { SESAME_EXPORT_CHECKLIST_JSON, FAMILY_CHECKLIST, SESAME_EXPORT_FORMAT_JSON, "json", { "json", NULL }, N_("JSON") },
  { SESAME_EXPORT_PLAN, FAMILY_PLAN, SESAME_EXPORT_FORMAT_JSON, NULL, { "json", NULL }, N_("Sesame plan (JSON)") },
  { SESAME_EXPORT_REPORT_HTML, FAMILY_REPORT, SESAME_EXPORT_FORMAT_HTML, NULL, { "html", "htm", NULL }, N_("Web page (HTML)") },
  { SESAME_EXPORT_REPORT_MARKDOWN, FAMILY_REPORT, SESAME_EXPORT_FORMAT_MARKDOWN, NULL, { "md", "markdown", NULL }, N_("Markdown") },
  { SESAME_EXPORT_REPORT_TEXT, FAMILY_REPORT, SESAME_EXPORT_FORMAT_TEXT, NULL, { "txt", NULL }, N_("Plain text") },
  { SESAME_EXPORT_REPORT_JSON, FAMILY_REPORT, SESAME_EXPORT_FORMAT_JSON, NULL, { "json", NULL }, N_("JSON") },
  { SESAME_EXPORT_REPORT_PDF, FAMILY_REPORT, SESAME_EXPORT_FORMAT_PDF, NULL, { "pdf", NULL }, N_("PDF document") },
  { SESAME_EXPORT_MIGRATION_HTML, FAMILY_MIGRATION, SESAME_EXPORT_FORMAT_HTML, NULL, { "html", "htm", NULL }, N_("Web page (HTML)") },
  { SESAME_EXPORT_MIGRATION_MARKDOWN, FAMILY_MIGRATION, SESAME_EXPORT_FORMAT_MARKDOWN, NULL, { "md", "markdown", NULL }, N_("Markdown") },
  { SESAME_EXPORT_MIGRATION_TEXT, FAMILY_MIGRATION, SESAME_EXPORT_FORMAT_TEXT, NULL, { "txt", NULL }, N_("Plain text") },
  { SESAME_EXPORT_MIGRATION_JSON, FAMILY_MIGRATION, SESAME_EXPORT_FORMAT_JSON, NULL, { "json", NULL }, N_("JSON") },
  { SESAME_EXPORT_MIGRATION_PDF, FAMILY_MIGRATION, SESAME_EXPORT_FORMAT_PDF, NULL, { "pdf", NULL }, N_("PDF document") },
};

static guint
export_index (SesameExport what)
{
  for (guint i = 0; i < G_N_ELEMENTS (exports); i++)
    if (exports[i].what == what)
      return i;

  g_assert_not_reached ();
}

static void
mapping_free (gpointer data)
{
  Mapping *mapping = data;

  sesame_port_mapping_unref (mapping->port);
  g_free (mapping);
}

static GtkWindow *
get_window (SesameChecklistPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_toast (SesameChecklistPage *self,
            const char          *title)
{
  /* Toast titles are markup; file names are not */
  g_autofree char *markup = g_markup_escape_text (title, -1);
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (SesameChecklistPage *self,
            const char          *heading,
            const char          *body)
{
  GtkWidget *dialog = adw_message_dialog_new (get_window (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The probe report that says what the router takes */
static const SesameProbeReport *
get_report (SesameChecklistPage *self)
{
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));

  return session != NULL ? sesame_probe_session_get_report (session) : NULL;
}

/* NAT-PMP and PCP map ports only for the computer that asks */
static gboolean
router_can_map_for_server (SesameChecklistPage     *self,
                           const SesameProbeReport *report)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));

  switch (sesame_port_mapper_kind_for_report (report))
    {
    case SESAME_PORT_MAPPER_UPNP:
      return TRUE;
    case SESAME_PORT_MAPPER_PMP:
      return report->gateway != NULL && report->local_address != NULL &&
             g_strcmp0 (report->local_address, sesame_plan_get_host_address (plan)) == 0;
    case SESAME_PORT_MAPPER_NONE:
    default:
      return FALSE;
    }
}

/* What the checks found so far, in the UI language; %NULL before any */
static GPtrArray *
current_findings (SesameChecklistPage *self)
{
  const SesameProbeReport *report = get_report (self);

  if (report == NULL)
    return NULL;

  return sesame_findings_new (sesame_page_get_plan (SESAME_PAGE (self)),
                              sesame_page_get_catalog (SESAME_PAGE (self)),
                              report, sesame_gui_get_ui_language (), NULL);
}

static gboolean
has_mappings_in_state (SesameChecklistPage *self,
                       MapState             state)
{
  for (guint i = 0; self->mappings != NULL && i < self->mappings->len; i++)
    {
      const Mapping *mapping = g_ptr_array_index (self->mappings, i);

      if (mapping->state == state)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_mappable_rows (SesameChecklistPage *self)
{
  GPtrArray *forwards;

  if (self->checklist == NULL)
    return FALSE;

  forwards = sesame_checklist_get_forwards (self->checklist);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      if (sesame_port_range_count (&forward->external) <= SESAME_PORT_MAPPER_MAX_PORTS_PER_ROW)
        return TRUE;
    }

  return FALSE;
}

static void
update_actions (SesameChecklistPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const SesameProbeReport *report = get_report (self);
  gboolean ready = self->checklist != NULL;
  gboolean busy = self->map_cancellable != NULL;
  gboolean added = has_mappings_in_state (self, MAP_ADDED);
  g_autoptr(GPtrArray) findings = current_findings (self);

  gtk_widget_action_set_enabled (widget, "checklist.print", ready);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->print_button),
                               self->migration != NULL ? _("Print the router change checklist (Ctrl+P)")
                                                       : _("Print the checklist (Ctrl+P)"));
  gtk_widget_action_set_enabled (widget, "checklist.save-as", ready);
  gtk_widget_action_set_enabled (widget, "checklist.export-report", ready);
  gtk_widget_action_set_enabled (widget, "checklist.save-migration", self->migration != NULL);
  gtk_widget_action_set_enabled (widget, "checklist.add-mappings",
                                 ready && !busy && !added &&
                                 router_can_map_for_server (self, report) &&
                                 findings != NULL && sesame_findings_automatic_helps (findings) &&
                                 has_mappable_rows (self));
  gtk_widget_action_set_enabled (widget, "checklist.remove-mappings", !busy && added);
}

static void
update_mapping_group (SesameChecklistPage *self)
{
  const SesameProbeReport *report = get_report (self);
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const char *protocol = sesame_port_mapper_protocol_name (report);
  g_autoptr(GPtrArray) findings = current_findings (self);
  const SesameFinding *automatic = sesame_findings_lookup (findings, "router-automatic");
  g_autofree char *description = NULL;

  /* Once Sesame has added mappings, the way to remove them stays */
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_group),
                          protocol != NULL || self->mappings != NULL);

  if (protocol == NULL)
    description = NULL;
  else if (automatic != NULL && !sesame_findings_automatic_helps (findings))
    /* Behind carrier-grade NAT, DS-Lite, a second router…: in the checks' own words */
    description = g_strdup (automatic->text);
  else if (router_can_map_for_server (self, report))
    /* Translators: %s is how the router takes requests: "UPnP IGD", "NAT-PMP" or "PCP" */
    description = g_strdup_printf (_("Your router lets programs on your home network open ports (%s). "
                                     "Sesame can add the forwarding rows above for you, once you have seen "
                                     "and agreed to exactly what it will add, and remove them again later."),
                                   protocol);
  else
    /* Translators: %s is "NAT-PMP" or "PCP", %s the server's address */
    description = g_strdup_printf (_("Your router opens ports only for the computer that asks (%s). "
                                     "To let Sesame add the rows, run it on the server, %s; "
                                     "or enter them on the router by hand."),
                                   protocol, sesame_plan_get_host_address (plan));

  adw_preferences_group_set_description (self->mapping_group, description);
  update_actions (self);
}

/* Rendering the checklist */

/* @side tells the rows to add from the old router's rows to delete */
static char *
row_key (const char          *side,
         const SesameForward *forward)
{
  return g_strdup_printf ("%s:%d/%u-%u", side, forward->protocol, forward->external.first, forward->external.last);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static GtkWidget *
wrap_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);

  return label;
}

static void
add_heading (GtkBox     *box,
             const char *text,
             guint      *section)
{
  g_autofree char *title = NULL;
  GtkWidget *label;

  if (section != NULL)
    title = g_strdup_printf ("%u. %s", ++(*section), text);
  else
    title = g_strdup (text);

  label = g_object_new (GTK_TYPE_LABEL,
                        "label", title,
                        "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                        "wrap", TRUE,
                        "wrap-mode", PANGO_WRAP_WORD_CHAR,
                        "xalign", 0.0f,
                        "margin-top", 6,
                        NULL);
  gtk_widget_add_css_class (label, "title-3");
  gtk_box_append (box, label);
}

static GtkWidget *
command_box (const char *command)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = wrap_label (command);
  GtkWidget *copy;

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_top (box, 6);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Command to type"),
                                  -1);
  gtk_box_append (GTK_BOX (box), label);

  copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_valign (copy, GTK_ALIGN_START);
  gtk_widget_set_margin_top (copy, 3);
  gtk_widget_set_margin_end (copy, 3);
  gtk_widget_set_tooltip_text (copy, _("Copy the command"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy the command"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "checklist.copy-command");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "s", command);
  gtk_box_append (GTK_BOX (box), copy);

  return box;
}

static void
add_steps (GtkBox    *box,
           GPtrArray *steps)
{
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);
      g_autofree char *number_text = g_strdup_printf ("%u.", i + 1);
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *number = gtk_label_new (number_text);
      GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *text = wrap_label (step->text);

      gtk_widget_add_css_class (number, "heading");
      gtk_widget_add_css_class (number, "numeric");
      gtk_widget_set_valign (number, GTK_ALIGN_START);
      gtk_widget_set_size_request (number, 24, -1);
      gtk_label_set_xalign (GTK_LABEL (number), 1);
      gtk_widget_set_hexpand (body, TRUE);

      gtk_box_append (GTK_BOX (body), text);
      if (step->command != NULL)
        gtk_box_append (GTK_BOX (body), command_box (step->command));

      gtk_box_append (GTK_BOX (line), number);
      gtk_box_append (GTK_BOX (line), body);
      gtk_box_append (GTK_BOX (list), line);
    }

  gtk_box_append (box, list);
}

/* The title, the header's lines as the outline has them, and the date */
static void
add_header (GtkBox              *box,
            SesameTranslation   *tr,
            const SesameOutline *outline)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *made = g_strdup_printf (T_ (tr, "Made on %s"), date);
  GtkWidget *title;
  GtkWidget *grid;
  GtkWidget *date_label;

  title = g_object_new (GTK_TYPE_LABEL,
                        "label", outline->title,
                        "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                        "wrap", TRUE,
                        "wrap-mode", PANGO_WRAP_WORD_CHAR,
                        "xalign", 0.0f,
                        NULL);
  gtk_widget_add_css_class (title, "title-2");
  gtk_box_append (box, title);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint i = 0; i < outline->labels->len; i++)
    {
      const char *value = g_ptr_array_index (outline->values, i);
      GtkWidget *label = gtk_label_new (g_ptr_array_index (outline->labels, i));
      GtkWidget *value_label = wrap_label (value != NULL ? value : "");

      gtk_widget_add_css_class (label, "heading");
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_valign (label, GTK_ALIGN_START);
      gtk_widget_set_hexpand (value_label, TRUE);
      gtk_grid_attach (GTK_GRID (grid), label, 0, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label, 1, (int) i, 1, 1);
    }
  gtk_box_append (box, grid);

  date_label = wrap_label (made);
  gtk_widget_add_css_class (date_label, "dim-label");
  gtk_box_append (box, date_label);
}

/* A card: the severity's icon, @label, @text, what its words mean and what to do */
static GtkWidget *
alert_box (SesameSeverity  severity,
           const char     *label,
           const char     *text,
           const char     *explanation,
           const char     *advice_label,
           const char     *advice)
{
  static const struct
  {
    const char *icon_name;
    const char *css_class;
  } looks[] = {
    [SESAME_SEVERITY_CRITICAL] = { "dialog-error-symbolic", "error" },
    [SESAME_SEVERITY_WARNING] = { "dialog-warning-symbolic", "warning" },
    [SESAME_SEVERITY_INFO] = { "dialog-information-symbolic", "accent" },
  };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  guint look = (guint) severity < G_N_ELEMENTS (looks) ? (guint) severity : SESAME_SEVERITY_INFO;
  GtkWidget *icon;
  GtkWidget *title;

  gtk_widget_add_css_class (box, "card");

  /* The severity is in words next to it */
  icon = g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", looks[look].icon_name,
                       "pixel-size", 24,
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       "valign", GTK_ALIGN_START,
                       "margin-start", 12,
                       "margin-top", 12,
                       NULL);
  gtk_widget_add_css_class (icon, looks[look].css_class);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_widget_set_hexpand (body, TRUE);
  gtk_widget_set_margin_top (body, 12);
  gtk_widget_set_margin_bottom (body, 12);
  gtk_widget_set_margin_end (body, 12);

  title = wrap_label (label);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (title, looks[look].css_class);
  gtk_box_append (GTK_BOX (body), title);
  gtk_box_append (GTK_BOX (body), wrap_label (text));

  if (explanation != NULL)
    {
      GtkWidget *line = wrap_label (explanation);

      gtk_widget_add_css_class (line, "dim-label");
      gtk_box_append (GTK_BOX (body), line);
    }

  if (advice != NULL)
    {
      GtkWidget *advice_title = wrap_label (advice_label);

      gtk_widget_add_css_class (advice_title, "heading");
      gtk_box_append (GTK_BOX (body), advice_title);
      gtk_box_append (GTK_BOX (body), wrap_label (advice));
    }

  gtk_box_append (GTK_BOX (box), body);

  return box;
}

/* What the latest finished checks found: a card each, blockers first */
static void
add_findings (GtkBox              *box,
              SesameTranslation   *tr,
              const SesameSection *section)
{
  for (guint i = 0; i < section->items->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (section->items, i);

      if (!sesame_finding_shown (finding))
        continue;

      gtk_box_append (box, alert_box (sesame_finding_alert_severity (finding), finding->title,
                                      finding->text, finding->explanation,
                                      T_ (tr, "What to do instead"), finding->action));
    }
}

/* "Read this first": conflicts, then warnings */
static void
add_warnings (GtkBox              *box,
              SesameTranslation   *tr,
              const SesameSection *section)
{
  for (guint i = 0; i < section->conflicts->len; i++)
    {
      const SesameConflict *conflict = g_ptr_array_index (section->conflicts, i);

      gtk_box_append (box, alert_box (SESAME_SEVERITY_CRITICAL, TC_ (tr, "severity", "Conflict"),
                                      conflict->text, NULL, NULL, NULL));
    }

  for (guint i = 0; i < section->items->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (section->items, i);

      gtk_box_append (box, alert_box (warning->severity, sesame_severity_label (tr, warning->severity),
                                      warning->text, NULL,
                                      T_ (tr, "What to do instead"), warning->advice));
    }
}

/* A list of rows to read, not to tick, named @label for screen readers */
static GtkWidget *
plain_list (const char *label)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return list;
}

static void
plain_list_add (GtkWidget  *list,
                const char *title,
                const char *subtitle,
                gboolean    numeric)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  if (numeric)
    gtk_widget_add_css_class (row, "numeric");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
}

/* Each list of ports not to forward, under its introduction */
static void
add_group_lists (GtkBox          *box,
                 SesameChecklist *checklist,
                 GArray          *lists)
{
  for (guint l = 0; l < lists->len; l++)
    {
      const SesameGroupList *group_list = &g_array_index (lists, SesameGroupList, l);
      GtkWidget *list = plain_list (group_list->intro);

      gtk_box_append (box, wrap_label (group_list->intro));
      for (guint i = 0; i < group_list->groups->len; i++)
        {
          const SesamePortGroup *group = g_ptr_array_index (group_list->groups, i);
          g_autofree char *ports = sesame_port_range_to_string (&group->ports);
          g_autofree char *title = g_strdup_printf ("%s %s",
                                                    sesame_checklist_format_protocol (checklist, group->protocol),
                                                    ports);
          g_autofree char *names = sesame_checklist_join_names (checklist, group->names);

          plain_list_add (list, title, names, TRUE);
        }
      gtk_box_append (box, list);
    }
}

/* What changed since "I replaced my router": one sentence a row */
static void
add_changes (GtkBox              *box,
             const SesameSection *section)
{
  GtkWidget *list;

  if (section->items->len == 0)
    {
      gtk_box_append (box, wrap_label (section->empty_text));
      return;
    }

  list = plain_list (section->title);
  for (guint i = 0; i < section->items->len; i++)
    plain_list_add (list, ((const SesameChange *) g_ptr_array_index (section->items, i))->text, NULL, FALSE);
  gtk_box_append (box, list);
}

/* The latest finished checks' findings for the checklist (in its
 * language), and the address to reach the server over IPv6 */
static void
set_findings (SesameChecklistPage *self)
{
  SesameChecklist *checklist = self->checklist;
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));
  g_autoptr(GPtrArray) findings = NULL;

  if (session == NULL || !sesame_probe_session_get_finished (session))
    return;

  findings = sesame_findings_new (sesame_page_get_plan (SESAME_PAGE (self)),
                                  sesame_page_get_catalog (SESAME_PAGE (self)),
                                  sesame_probe_session_get_report (session),
                                  sesame_checklist_get_language (checklist), NULL);
  sesame_checklist_set_findings (checklist, findings);
  /* "Reach it over IPv6", when this computer has a stable global address */
  sesame_checklist_set_ipv6_address (checklist, sesame_probe_session_get_report (session)->ipv6_address);
}

static void
on_tick_toggled (GtkCheckButton      *button,
                 GParamSpec          *pspec,
                 SesameChecklistPage *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "sesame-row-key");

  if (gtk_check_button_get_active (button))
    g_hash_table_add (self->ticked, g_strdup (key));
  else
    g_hash_table_remove (self->ticked, key);
}

/* Forwarding rows of @checklist with a tick box each: @side is "add" or "remove" */
static void
add_forwards (SesameChecklistPage *self,
              GtkBox              *box,
              SesameChecklist     *checklist,
              GPtrArray           *forwards,
              const char          *side,
              const char          *list_label)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GtkWidget *list;

  if (forwards->len == 0)
    return;

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, list_label,
                                  -1);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      const char *protocol = sesame_checklist_format_protocol (checklist, forward->protocol);
      g_autofree char *external = sesame_port_range_to_string (&forward->external);
      g_autofree char *internal = sesame_port_range_to_string (&forward->internal);
      g_autofree char *names = sesame_checklist_join_names (checklist, forward->names);
      /* Protocol, external ports → server address:internal ports, as on the router's page */
      g_autofree char *title = g_strdup_printf ("%s %s → %s:%s", protocol, external,
                                                forward->internal_address, internal);
      g_autofree char *done = g_strdup_printf (T_ (tr, "Done: %s %s"), protocol, external);
      g_autofree char *key = row_key (side, forward);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *tick = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), names);
      gtk_widget_add_css_class (row, "numeric");

      gtk_widget_set_valign (tick, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (tick),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, done,
                                      -1);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (tick), g_hash_table_contains (self->ticked, key));
      g_object_set_data_full (G_OBJECT (tick), "sesame-row-key", g_steal_pointer (&key), g_free);
      g_signal_connect (tick, "notify::active", G_CALLBACK (on_tick_toggled), self);

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), tick);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), tick);

      /* A row the checks found cannot work says so, and why */
      if (g_str_equal (side, "add") &&
          sesame_checklist_forward_works (checklist, forward, NULL) == SESAME_WORKS_NO)
        {
          g_autofree char *works = sesame_forward_works_text (checklist, forward);
          g_autofree char *subtitle = g_strconcat (names, "\n", works, NULL);
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          gtk_widget_add_css_class (icon, "error");
          gtk_widget_set_tooltip_text (icon, works);
          gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, works,
                                          -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
        }
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  gtk_box_append (box, list);
}

/* The router change to show with the checklist, if there is one */
static SesameMigration *
migration_for_plan (SesameChecklistPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  SesamePlan *previous = self->window != NULL ? sesame_window_get_previous_plan (self->window) : NULL;
  g_autoptr(SesameMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  if (previous == NULL)
    return NULL;

  migration = sesame_migration_new (previous, plan, catalog, sesame_checklist_get_language (self->checklist), &error);
  if (migration == NULL)
    {
      /* The plan was not finished before the change: there is nothing to compare with */
      g_debug ("No router change checklist: %s", error->message);
      return NULL;
    }

  /* The same router and the same server again: the checklist says it all */
  if (sesame_migration_get_changes (migration)->len == 0)
    return NULL;

  return g_steal_pointer (&migration);
}

/* The outline of the checklist, or of the router change checklist in its
 * place: the page decides only how each kind of section looks. The
 * sections up to the rows to enter go above the mapping group, the rest
 * below it. */
static void
render_outline (SesameChecklistPage *self,
                const SesameOutline *outline,
                SesameChecklist     *checklist)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GtkBox *box = self->router_box;
  guint number = 0;

  add_header (box, tr, outline);

  for (guint s = 0; s < outline->sections->len; s++)
    {
      const SesameSection *section = g_ptr_array_index (outline->sections, s);

      add_heading (box, section->title, section->numbered ? &number : NULL);
      for (guint i = 0; i < section->paragraphs->len; i++)
        gtk_box_append (box, wrap_label (g_ptr_array_index (section->paragraphs, i)));

      switch (section->kind)
        {
        case SESAME_SECTION_FINDINGS:
          add_findings (box, tr, section);
          break;
        case SESAME_SECTION_WARNINGS:
          add_warnings (box, tr, section);
          break;
        case SESAME_SECTION_CHANGES:
          add_changes (box, section);
          break;
        case SESAME_SECTION_PORT_GROUPS:
          add_group_lists (box, checklist, section->lists);
          break;
        case SESAME_SECTION_STEPS:
        default:
          break;
        }

      if (section->steps != NULL)
        add_steps (box, section->steps);

      if (section->forwards == NULL)
        continue;

      if (section->rows_role == SESAME_ROWS_REMOVE)
        {
          add_forwards (self, box, sesame_migration_get_old_checklist (self->migration), section->forwards,
                        "remove", _("Port forwarding rows to delete from the old router"));
          continue;
        }

      add_forwards (self, box, checklist, section->forwards, "add",
                    _("Port forwarding rows to enter on the router"));
      box = self->rest_box;
    }
}

static void
render (SesameChecklistPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameOutline) outline = NULL;

  g_assert (SESAME_IS_CHECKLIST_PAGE (self));

  if (plan == NULL || catalog == NULL)
    return;

  clear_box (self->router_box);
  clear_box (self->rest_box);
  g_clear_object (&self->migration);
  g_clear_object (&self->checklist);
  g_clear_pointer (&self->text, g_free);

  /* The report language is the plan's, independent of the UI language */
  self->checklist = sesame_checklist_new (plan, catalog, sesame_plan_get_language (plan), &error);
  if (self->checklist == NULL)
    {
      g_autofree char *markup = NULL;

      /* Translators: %s is the reason, one problem a line */
      self->text = g_strdup_printf (_("Sesame cannot write a checklist for this plan yet:\n%s"),
                                    error->message);
      markup = g_markup_escape_text (self->text, -1);
      adw_status_page_set_description (self->error_page, markup);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_mapping_group (self);
      return;
    }

  set_findings (self);
  self->text = sesame_checklist_write (self->checklist, SESAME_EXPORT_FORMAT_TEXT);
  self->migration = migration_for_plan (self);

  /* After a router change the page shows what Print prints and Save
   * saves, as `sesame-cli diff` writes it: the checks ran before the change */
  if (self->migration != NULL)
    {
      outline = sesame_migration_build_outline (self->migration);
      render_outline (self, outline, sesame_migration_get_new_checklist (self->migration));
    }
  else
    {
      outline = sesame_checklist_build_outline (self->checklist);
      render_outline (self, outline, self->checklist);
    }

  gtk_stack_set_visible_child_name (self->stack, "checklist");
  update_mapping_group (self);
}

/* Checks that end while the checklist shows are worth a new checklist
 * (every widget made again) only when they change what it says about
 * whether the rows can work: a blocker now, or findings shown before */
static void
on_session_finished (SesameChecklistPage *self)
{
  g_autoptr(GPtrArray) findings = current_findings (self);
  gboolean blocker = FALSE;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    blocker |= ((const SesameFinding *) g_ptr_array_index (findings, i))->severity == SESAME_FINDING_SEVERITY_BLOCKER;

  if (blocker || self->remap_render ||
      (self->checklist != NULL && sesame_checklist_get_findings (self->checklist) != NULL))
    {
      self->remap_render = FALSE;
      render (self);
    }
  else
    update_mapping_group (self);
}

static void
on_language_changed (SesameChecklistPage *self)
{
  render (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT_LANGUAGE]);
}

/* Saving */

static char *
safe_file_name (const char *name,
                const char *suffix)
{
  g_autofree char *copy = g_strdup (name);

  /* Names that work on every system the file may be copied to */
  g_strdelimit (copy, "/\\:*?\"<>|", '-');
  for (char *p = copy; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';

  return g_strconcat (copy, ".", suffix, NULL);
}

static char *
default_file_name (SesameChecklistPage *self,
                   SesameExport         what)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const char *host = sesame_plan_get_host_name (plan);
  const char *suffix = exports[export_index (what)].suffixes[0];
  g_autofree char *name = NULL;

  if (host == NULL)
    host = sesame_plan_get_host_address (plan);

  switch (exports[export_index (what)].family)
    {
    case FAMILY_CHECKLIST:
      name = g_strdup (sesame_checklist_get_title (self->checklist));
      break;

    case FAMILY_MIGRATION:
      name = g_strdup (sesame_migration_get_title (self->migration));
      break;

    case FAMILY_PLAN:
      /* Translators: the file name a plan is saved under; %s is the server's name */
      name = host != NULL ? g_strdup_printf (_("Sesame plan for %s"), host) : g_strdup (_("Sesame plan"));
      break;

    case FAMILY_REPORT:
    default:
      /* Translators: the file name a settings report is saved under; %s is the server's name */
      name = host != NULL ? g_strdup_printf (_("Settings report for %s"), host) : g_strdup (_("Settings report"));
      break;
    }

  return safe_file_name (name, suffix);
}

/* Everything but the plan is written as sesame-cli writes it */
static GBytes *
export_bytes (SesameChecklistPage  *self,
              SesameExport          what,
              GError              **error)
{
  static const SesameDocument documents[] = {
    [FAMILY_CHECKLIST] = SESAME_DOCUMENT_CHECKLIST,
    [FAMILY_REPORT] = SESAME_DOCUMENT_SETTINGS_REPORT,
    [FAMILY_MIGRATION] = SESAME_DOCUMENT_ROUTER_CHANGE,
  };
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));
  ExportFamily family = exports[export_index (what)].family;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  SesameExportSource source = { NULL };

  if (family == FAMILY_PLAN)
    {
      char *text = sesame_plan_to_json (sesame_page_get_plan (SESAME_PAGE (self)));

      return g_bytes_new_take (text, strlen (text));
    }

  if (self->checklist == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, self->text);
      return NULL;
    }

  if (family == FAMILY_MIGRATION && self->migration == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           /* Translators: “I Replaced My Router” is the button on the first page */
                           _("There is no router change to save. After you replace your router, "
                             "choose “I Replaced My Router” on the first page."));
      return NULL;
    }

  source.checklist = family == FAMILY_MIGRATION ? sesame_migration_get_new_checklist (self->migration)
                                                : self->checklist;
  source.migration = self->migration;
  source.catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  source.date = now;
  /* The latest finished probe results, when there are some */
  if (family == FAMILY_REPORT && session != NULL && sesame_probe_session_get_finished (session))
    source.probe = sesame_probe_session_get_report (session);

  return sesame_export_write (&source, documents[family], exports[export_index (what)].export_format,
                              family == FAMILY_REPORT && self->redact_report, error);
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return basename != NULL ? g_filename_display_name (basename) : g_file_get_parse_name (file);
}

/* The folder of the last file saved, for the next file chooser: in the
 * settings where the schema is installed, so that it lasts across runs,
 * else for this run */
static char *last_folder_uri;

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL ||
      !g_settings_schema_has_key (schema, "last-folder"))
    return NULL;

  return g_settings_new (APP_ID);
}

static void
remember_folder (GFile *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GSettings) settings = new_settings ();
  g_autofree char *uri = NULL;

  if (folder == NULL)
    return;

  uri = g_file_get_uri (folder);
  if (settings != NULL)
    g_settings_set_string (settings, "last-folder", uri);
  else
    {
      g_free (last_folder_uri);
      last_folder_uri = g_steal_pointer (&uri);
    }
}

/* Returns: (transfer full) (nullable): the folder remembered, if it is still there */
static GFile *
dup_last_folder (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autofree char *uri = settings != NULL ? g_settings_get_string (settings, "last-folder")
                                          : g_strdup (last_folder_uri);
  g_autoptr(GFile) folder = NULL;

  if (uri == NULL || *uri == '\0')
    return NULL;

  folder = g_file_new_for_uri (uri);
  /* A folder on a disk since unplugged is not offered; other places are
   * left to the file chooser, without waiting for them here */
  if (g_file_is_native (folder) &&
      g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    return NULL;

  return g_steal_pointer (&folder);
}

/* A local file is replaced the one way Sesame replaces files (a regular
 * file or a new one only, its mode kept), in a worker thread */
static void
replace_local_file_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autofree char *path = g_file_get_path (G_FILE (source_object));
  g_autoptr(GError) error = NULL;

  if (sesame_file_replace (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0644, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_contents_replaced (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GFile *file = G_FILE (object);
  g_autoptr(GTask) task = user_data;
  SesameChecklistPage *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = file_display_name (file);
  gboolean replaced;

  if (G_IS_TASK (result))
    replaced = g_task_propagate_boolean (G_TASK (result), &error);
  else
    replaced = g_file_replace_contents_finish (file, result, NULL, &error);

  if (!replaced)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s is a file name */
          g_autofree char *heading = g_strdup_printf (_("Could Not Save “%s”"), name);

          show_error (self, heading, error->message);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  remember_folder (file);

  {
    /* Translators: a notification; %s is a file name */
    g_autofree char *title = g_strdup_printf (_("Saved “%s”"), name);

    show_toast (self, title);
  }

  g_task_return_boolean (task, TRUE);
}

/**
 * sesame_checklist_page_save_async:
 * @self: the page
 * @what: what to save, in which format
 * @file: where
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written, or not
 * @user_data: for @callback
 *
 * Writes the checklist, the plan, the settings report or (after a router
 * change) the router change checklist to @file, in the report language,
 * replacing what is there in one step. The page itself tells the person:
 * a notification with the file name, or a dialog with the reason it could
 * not.
 */
void
sesame_checklist_page_save_async (SesameChecklistPage *self,
                                  SesameExport         what,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SESAME_IS_CHECKLIST_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_checklist_page_save_async);

  bytes = export_bytes (self, what, &error);
  if (bytes == NULL)
    {
      g_autofree char *name = file_display_name (file);
      g_autofree char *heading = g_strdup_printf (_("Could Not Save “%s”"), name);

      show_error (self, heading, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_file_is_native (file))
    {
      g_autoptr(GTask) replace = g_task_new (file, cancellable, on_contents_replaced, g_steal_pointer (&task));

      g_task_set_source_tag (replace, replace_local_file_thread);
      g_task_set_task_data (replace, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
      g_task_run_in_thread (replace, replace_local_file_thread);
      return;
    }

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       cancellable, on_contents_replaced,
                                       g_steal_pointer (&task));
}

gboolean
sesame_checklist_page_save_finish (SesameChecklistPage  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
has_suffix (GFile      *file,
            const char *suffix)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *dotted = g_strconcat (".", suffix, NULL);
  g_autofree char *lower = basename != NULL ? g_ascii_strdown (basename, -1) : NULL;

  return lower != NULL && g_str_has_suffix (lower, dotted);
}

/* The file @what is written to, for the name the person typed: the name
 * as it is when it ends in one of the format's own suffixes ("report.htm"
 * for HTML); another format's suffix replaced with the format's
 * ("report.html" saved as plain text is "report.txt"); the format's suffix
 * added to any other name ("report", "report v1.2": "report v1.2.txt") */
static GFile *
file_for_format (GFile        *file,
                 SesameExport  what)
{
  const char * const *own = exports[export_index (what)].suffixes;
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = NULL;
  gsize length;

  if (basename == NULL || parent == NULL)
    return g_object_ref (file);

  for (guint s = 0; own[s] != NULL; s++)
    if (has_suffix (file, own[s]))
      return g_object_ref (file);

  length = strlen (basename);
  for (guint i = 0; i < G_N_ELEMENTS (exports) && length == strlen (basename); i++)
    for (guint s = 0; exports[i].suffixes[s] != NULL; s++)
      {
        gsize dotted = strlen (exports[i].suffixes[s]) + 1;

        /* Not a name that is a suffix alone (".html") */
        if (length > dotted && has_suffix (file, exports[i].suffixes[s]))
          {
            length -= dotted;
            break;
          }
      }

  name = g_strdup_printf ("%.*s.%s", (int) length, basename, own[0]);
  return g_file_get_child (parent, name);
}

static void
on_chooser_response (GtkNativeDialog     *chooser,
                     int                  response,
                     SesameChecklistPage *self)
{
  g_autoptr(GFile) file = NULL;
  GtkFileFilter *filter;
  ExportFamily family;
  SesameExport what;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  family = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "sesame-family"));
  what = (SesameExport) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "sesame-export"));

  /* The format chosen decides what is written, and the name's suffix says
   * it; without a choice (a file chooser that tells none), the name's
   * suffix says the format */
  if (filter != NULL && g_object_get_data (G_OBJECT (filter), "sesame-export") != NULL)
    what = (SesameExport) (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (filter), "sesame-export")) - 1);
  else if (file != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (exports); i++)
      {
        if (exports[i].family != family)
          continue;
        for (guint s = 0; exports[i].suffixes[s] != NULL; s++)
          if (has_suffix (file, exports[i].suffixes[s]))
            what = exports[i].what;
      }
  if (file != NULL)
    {
      GFile *named = file_for_format (file, what);

      g_object_unref (file);
      file = named;
    }

  if (family == FAMILY_REPORT)
    self->redact_report = g_strcmp0 (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "redact"), "true") == 0;

  if (file != NULL)
    sesame_checklist_page_save_async (self, what, file, NULL, NULL, NULL);

out:
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
choose_file (SesameChecklistPage *self,
             SesameExport         what,
             const char          *title)
{
  ExportFamily family = exports[export_index (what)].family;
  GtkFileChooserNative *chooser;
  g_autofree char *name = default_file_name (self, what);

  /* One file at a time */
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  self->chooser = chooser = gtk_file_chooser_native_new (title, get_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (exports); i++)
    {
      g_autoptr(GtkFileFilter) filter = NULL;

      if (exports[i].family != family)
        continue;

      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(exports[i].name));
      for (guint s = 0; exports[i].suffixes[s] != NULL; s++)
        gtk_file_filter_add_suffix (filter, exports[i].suffixes[s]);
      /* Plus one: never NULL, which says the filter is not ours */
      g_object_set_data (G_OBJECT (filter), "sesame-export", GINT_TO_POINTER (exports[i].what + 1));
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      if (exports[i].what == what)
        gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), filter);
    }

  /* A report is often for a forum: offer to leave out what identifies the person */
  if (family == FAMILY_REPORT)
    {
      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "redact",
                                   _("Hide the public address, the router’s identity and the server’s name, for sharing"),
                                   NULL, NULL);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "redact", self->redact_report ? "true" : "false");
    }

  /* Where the last file went */
  {
    g_autoptr(GFile) folder = dup_last_folder ();

    if (folder != NULL)
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "sesame-family", GINT_TO_POINTER (family));
  g_object_set_data (G_OBJECT (chooser), "sesame-export", GINT_TO_POINTER (what));
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_as_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);
  const char *format = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (exports); i++)
    {
      if (g_strcmp0 (exports[i].format, format) == 0)
        {
          choose_file (self, exports[i].what, _("Save the Checklist"));
          return;
        }
    }

  g_critical ("No checklist format “%s”", format);
}

static void
save_plan_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  choose_file (SESAME_CHECKLIST_PAGE (widget), SESAME_EXPORT_PLAN, _("Save the Plan"));
}

static void
save_migration_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);

  if (self->migration == NULL)
    return;

  choose_file (self, SESAME_EXPORT_MIGRATION_HTML, _("Save the Router Change Checklist"));
}

static void
export_report_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  choose_file (SESAME_CHECKLIST_PAGE (widget), SESAME_EXPORT_REPORT_HTML, _("Export the Settings Report"));
}

static void
copy_command_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
  show_toast (self, _("Command copied"));
}

/* Printing */

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               SesameChecklistPage     *self)
{
  gboolean to_printer = g_object_get_data (G_OBJECT (operation), "sesame-to-printer") != NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_APPLY && to_printer)
    g_set_object (&self->print_settings, gtk_print_operation_get_print_settings (operation));
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gtk_print_operation_get_error (operation, &error);
      show_error (self, _("Could Not Print the Checklist"),
                  error != NULL ? error->message : _("The printing system gave no reason."));
    }
}

/**
 * sesame_checklist_page_print:
 * @self: the page
 * @export_filename: (nullable): a PDF file to print to, without a dialog;
 *   %NULL to show the print dialog (with its preview and "Print to File")
 * @error: return location for a #GError
 *
 * Prints the checklist as the PDF export lays it out, on the paper the
 * person chooses; after a router change the page shows, the router change
 * checklist instead, as `sesame-cli diff --format pdf` lays it out. With
 * the dialog the operation goes on after this returns.
 *
 * Returns: what gtk_print_operation_run() returned
 */
GtkPrintOperationResult
sesame_checklist_page_print (SesameChecklistPage  *self,
                             const char           *export_filename,
                             GError              **error)
{
  g_autoptr(SesamePrintOperation) print = NULL;
  GtkPrintOperation *operation;

  g_return_val_if_fail (SESAME_IS_CHECKLIST_PAGE (self), GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, GTK_PRINT_OPERATION_RESULT_ERROR);

  if (self->checklist == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, self->text);
      return GTK_PRINT_OPERATION_RESULT_ERROR;
    }

  print = sesame_print_operation_new (self->checklist, self->migration);
  operation = GTK_PRINT_OPERATION (print);
  if (self->print_settings != NULL)
    gtk_print_operation_set_print_settings (operation, self->print_settings);
  /* Not an export: the person's settings are kept for the next time */
  if (export_filename == NULL)
    g_object_set_data (G_OBJECT (operation), "sesame-to-printer", GINT_TO_POINTER (TRUE));
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done), self, 0);

  if (export_filename != NULL)
    {
      gtk_print_operation_set_export_filename (operation, export_filename);
      return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                      get_window (self), error);
    }

  gtk_print_operation_set_allow_async (operation, TRUE);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                  get_window (self), error);
}

static void
print_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  /* Errors are shown when the operation is done */
  sesame_checklist_page_print (SESAME_CHECKLIST_PAGE (widget), NULL, NULL);
}

/* Port mappings on the router: the rows; SesamePortMapper asks the router */

static char *
mapping_title (const SesamePortMapping *port)
{
  return g_strdup_printf ("%s %u → %s:%u", sesame_protocol_label (port->protocol), port->external_port,
                          port->internal_address, port->internal_port);
}

static void
set_mapping_state (Mapping    *mapping,
                   MapState    state,
                   const char *detail)
{
  const char *icon_name = NULL;
  const char *css_class = NULL;
  g_autofree char *status = NULL;

  mapping->state = state;

  switch (state)
    {
    case MAP_WAITING:
      status = g_strdup (_("Waiting"));
      break;
    case MAP_ADDING:
      status = g_strdup (_("Adding…"));
      break;
    case MAP_ADDED:
      status = detail != NULL ? g_strdup (detail) : g_strdup (_("Added"));
      icon_name = "emblem-ok-symbolic";
      css_class = "success";
      break;
    case MAP_FAILED:
      /* Translators: a mapping the router refused; %s is its reason */
      status = g_strdup_printf (_("Not added: %s"), detail);
      icon_name = "dialog-error-symbolic";
      css_class = "error";
      break;
    case MAP_STOPPED:
      status = g_strdup (_("Not added: you left the page before Sesame got to it"));
      break;
    case MAP_REMOVING:
      status = g_strdup (_("Removing…"));
      break;
    case MAP_REMOVED:
      status = g_strdup (_("Removed"));
      icon_name = "list-remove-symbolic";
      break;
    default:
      g_assert_not_reached ();
    }

  adw_action_row_set_subtitle (mapping->row, status);
  gtk_spinner_set_spinning (mapping->spinner, state == MAP_ADDING || state == MAP_REMOVING);
  gtk_widget_set_visible (GTK_WIDGET (mapping->spinner), state == MAP_ADDING || state == MAP_REMOVING);
  gtk_widget_set_visible (GTK_WIDGET (mapping->icon), icon_name != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (mapping->icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (mapping->icon), "error");
  if (icon_name != NULL)
    gtk_image_set_from_icon_name (mapping->icon, icon_name);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (mapping->icon), css_class);
}

static void
show_mapping_rows (SesameChecklistPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->mapping_list))) != NULL)
    gtk_list_box_remove (self->mapping_list, child);

  for (guint i = 0; i < self->mappings->len; i++)
    {
      Mapping *mapping = g_ptr_array_index (self->mappings, i);
      g_autofree char *title = mapping_title (mapping->port);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spinner = gtk_spinner_new ();
      /* The state is in words in the subtitle */
      GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                      "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                      NULL);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->mapping_list, row);

      mapping->row = ADW_ACTION_ROW (row);
      mapping->spinner = GTK_SPINNER (spinner);
      mapping->icon = GTK_IMAGE (icon);
      set_mapping_state (mapping, mapping->state, NULL);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->mapping_list), self->mappings->len > 0);
}

static void
mapping_work_done (SesameChecklistPage *self)
{
  guint done = 0;
  guint total = 0;
  g_autofree char *summary = NULL;

  g_clear_object (&self->map_cancellable);

  for (guint i = 0; i < self->mappings->len; i++)
    {
      const Mapping *mapping = g_ptr_array_index (self->mappings, i);

      if (self->removing)
        {
          total += mapping->state == MAP_REMOVED || mapping->state == MAP_ADDED;
          done += mapping->state == MAP_REMOVED;
        }
      else
        {
          total++;
          done += mapping->state == MAP_ADDED;
        }
    }

  if (self->removing)
    /* Translators: a notification, "Removed 3 of 3 mappings from the router" */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Removed %u of %u mapping from the router",
                                            "Removed %u of %u mappings from the router", total),
                               done, total);
  else
    /* Translators: a notification, "Added 3 of 3 mappings to the router" */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Added %u of %u mapping to the router",
                                            "Added %u of %u mappings to the router", total),
                               done, total);

  show_toast (self, summary);
  update_mapping_group (self);

  /* What the checks said of the ports and the router no longer holds:
   * they run again, what they said marked out of date meanwhile */
  if (done > 0)
    {
      SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));

      self->remap_render = TRUE;
      if (session != NULL)
        sesame_probe_session_mappings_changed (session, sesame_page_get_plan (SESAME_PAGE (self)),
                                               sesame_page_get_catalog (SESAME_PAGE (self)));
    }
}

/* Tells the session of a mapping Sesame added or, when it is removed, forgets it */
static void
note_mapping (SesameChecklistPage     *self,
              const SesamePortMapping *port)
{
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));
  const char *protocol = sesame_protocol_to_string (port->protocol);
  SesameAddedMapping added = {
    (char *) protocol, port->granted_port, port->internal_address,
    port->internal_port, (char *) port->via, port->lifetime, 0,
  };

  if (session == NULL)
    return;

  if (port->state == SESAME_PORT_MAPPING_ADDED)
    sesame_probe_session_note_mapping (session, &added);
  else
    sesame_probe_session_forget_mapping (session, protocol, port->granted_port);
}

static void
stop_mapping_work (SesameChecklistPage *self)
{
  for (guint i = 0; i < self->mappings->len; i++)
    {
      Mapping *mapping = g_ptr_array_index (self->mappings, i);

      if (mapping->state == MAP_WAITING || mapping->state == MAP_ADDING)
        set_mapping_state (mapping, MAP_STOPPED, NULL);
      else if (mapping->state == MAP_REMOVING)
        set_mapping_state (mapping, MAP_ADDED, NULL);
    }

  g_clear_object (&self->map_cancellable);
  update_mapping_group (self);
}

static void
on_mapping_started (SesameChecklistPage *self,
                    guint                index)
{
  /* Disposed: the rows are gone */
  if (self->mappings == NULL)
    return;

  set_mapping_state (g_ptr_array_index (self->mappings, index),
                     self->removing ? MAP_REMOVING : MAP_ADDING, NULL);
}

static void
on_mapping_done (SesameChecklistPage *self,
                 guint                index)
{
  Mapping *mapping;
  const SesamePortMapping *port;
  g_autofree char *detail = NULL;

  if (self->mappings == NULL)
    return;

  mapping = g_ptr_array_index (self->mappings, index);
  port = mapping->port;

  switch (port->state)
    {
    case SESAME_PORT_MAPPING_REFUSED:
      set_mapping_state (mapping, MAP_FAILED, port->reason);
      break;
    case SESAME_PORT_MAPPING_ADDED:
      if (self->removing)
        /* Translators: a mapping the router did not remove; %s is its reason */
        detail = g_strdup_printf (_("Still on the router: %s"), port->reason);
      else if (port->granted_port != port->external_port)
        /* Translators: the router took the mapping, on another port than asked; %u is that port */
        detail = g_strdup_printf (_("Added, but the router chose external port %u: use that one from outside"),
                                  port->granted_port);
      else if (port->lifetime < SESAME_PORT_MAPPER_LEASE)
        /* Translators: the router took the mapping for less time than asked */
        detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Added, but the router ends it after %u minute",
                                               "Added, but the router ends it after %u minutes",
                                               MAX (port->lifetime / 60, 1)),
                                  MAX (port->lifetime / 60, 1));
      set_mapping_state (mapping, MAP_ADDED, detail);
      if (!self->removing)
        note_mapping (self, port);
      break;
    case SESAME_PORT_MAPPING_REMOVED:
      set_mapping_state (mapping, MAP_REMOVED, NULL);
      note_mapping (self, port);
      break;
    case SESAME_PORT_MAPPING_WAITING:
    default:
      break;
    }
}

static void
on_mapper_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SesameChecklistPage) self = user_data;
  SesamePortMapper *mapper = SESAME_PORT_MAPPER (object);
  g_autoptr(GError) error = NULL;

  if (self->removing)
    sesame_port_mapper_remove_finish (mapper, result, &error);
  else
    sesame_port_mapper_add_finish (mapper, result, &error);

  /* Disposed: the rows are gone */
  if (self->mappings == NULL)
    return;

  /* The page was left: quietly */
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Port mappings: %s", error->message);
      stop_mapping_work (self);
      return;
    }

  mapping_work_done (self);
}

static void
clear_mapper (SesameChecklistPage *self)
{
  if (self->mapper != NULL)
    g_signal_handlers_disconnect_by_data (self->mapper, self);
  g_clear_object (&self->mapper);
}

static void
start_adding (SesameChecklistPage     *self,
              GPtrArray               *ports,
              const SesameProbeReport *report)
{
  g_assert (self->map_cancellable == NULL);

  clear_mapper (self);
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->ports, g_ptr_array_unref);
  self->ports = g_ptr_array_ref (ports);
  self->mappings = g_ptr_array_new_with_free_func (mapping_free);
  for (guint i = 0; i < ports->len; i++)
    {
      Mapping *mapping = g_new0 (Mapping, 1);

      mapping->port = sesame_port_mapping_ref (g_ptr_array_index (ports, i));
      mapping->state = MAP_WAITING;
      g_ptr_array_add (self->mappings, mapping);
    }
  self->map_cancellable = g_cancellable_new ();
  self->removing = FALSE;
  show_mapping_rows (self);
  update_mapping_group (self);

  /* Only the router the person agreed to */
  self->mapper = sesame_port_mapper_new (report, NULL);
  g_signal_connect_swapped (self->mapper, "mapping-started", G_CALLBACK (on_mapping_started), self);
  g_signal_connect_swapped (self->mapper, "mapping-done", G_CALLBACK (on_mapping_done), self);
  sesame_port_mapper_add_async (self->mapper, self->ports, self->map_cancellable,
                                on_mapper_done, g_object_ref (self));
}

static void
on_consent_response (AdwMessageDialog    *dialog,
                     const char          *response,
                     SesameChecklistPage *self)
{
  GPtrArray *mappings = g_object_get_data (G_OBJECT (dialog), "sesame-mappings");
  const SesameProbeReport *report = get_report (self);

  /* The router changes only on this answer, and only as listed */
  if (g_strcmp0 (response, "add") != 0)
    return;

  /* The checks may have run again meanwhile and found another router */
  if (!router_can_map_for_server (self, report) || self->map_cancellable != NULL)
    {
      show_toast (self, _("The router changed while you decided: nothing was added"));
      return;
    }

  start_adding (self, mappings, report);
}

static GtkWidget *
consent_list (GPtrArray *mappings)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 260);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Mappings Sesame will add"),
                                  -1);

  for (guint i = 0; i < mappings->len; i++)
    {
      const SesamePortMapping *port = g_ptr_array_index (mappings, i);
      g_autofree char *title = mapping_title (port);
      /* Translators: the description the router will show for a mapping, in quotes */
      g_autofree char *subtitle = g_strdup_printf (_("Description “%s”"), port->description);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "numeric");
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);

  return scrolled;
}

static void
add_mappings_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);
  const SesameProbeReport *report = get_report (self);
  g_autoptr(GPtrArray) mappings = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint n_skipped;

  if (self->checklist == NULL || !router_can_map_for_server (self, report))
    return;

  mappings = sesame_port_mapper_plan (sesame_checklist_get_forwards (self->checklist), report, &n_skipped);
  if (mappings->len == 0)
    return;

  if (n_skipped > 0)
    /* Translators: %s is "UPnP IGD", "NAT-PMP" or "PCP"; %u is a number of ports, always more than one */
    body = g_strdup_printf (_("Sesame will ask your router, over %s, to forward these ports from the internet. "
                              "The mappings end after a week or when the router restarts; you can remove them "
                              "here at any time. Nothing else on the router changes. "
                              "Ranges of more than %u ports are left for you to enter by hand."),
                            sesame_port_mapper_protocol_name (report), SESAME_PORT_MAPPER_MAX_PORTS_PER_ROW);
  else
    /* Translators: %s is "UPnP IGD", "NAT-PMP" or "PCP" */
    body = g_strdup_printf (_("Sesame will ask your router, over %s, to forward these ports from the internet. "
                              "The mappings end after a week or when the router restarts; you can remove them "
                              "here at any time. Nothing else on the router changes."),
                            sesame_port_mapper_protocol_name (report));

  /* Any computer on the network can answer UPnP: one that is not the gateway is named */
  if (sesame_port_mapper_kind_for_report (report) == SESAME_PORT_MAPPER_UPNP && !report->upnp_is_gateway)
    {
      /* Translators: the first %s is the address of the device that answered UPnP,
       * the second the address of the gateway; a paragraph before the rest */
      g_autofree char *warning = g_strdup_printf (_("The device that answered UPnP is at %s, which is not your "
                                                    "gateway (%s). Add the mappings there only if you know that "
                                                    "it is your router."),
                                                  report->upnp_host ? report->upnp_host : _("an unknown address"),
                                                  report->gateway ? report->gateway : _("unknown"));
      char *both = g_strconcat (warning, "\n\n", body, NULL);

      g_free (body);
      body = both;
    }

  dialog = adw_message_dialog_new (get_window (self), _("Add These Mappings to Your Router?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add Mappings"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), consent_list (mappings));
  g_object_set_data_full (G_OBJECT (dialog), "sesame-mappings",
                          g_ptr_array_ref (mappings), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_consent_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_mappings_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);

  if (self->map_cancellable != NULL || self->mapper == NULL || !has_mappings_in_state (self, MAP_ADDED))
    return;

  self->map_cancellable = g_cancellable_new ();
  self->removing = TRUE;
  update_actions (self);
  sesame_port_mapper_remove_async (self->mapper, self->ports, self->map_cancellable,
                                   on_mapper_done, g_object_ref (self));
}

/* The page */

static void
sesame_checklist_page_shown (SesamePage *page)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (page);

  render (self);

  /* The page's shortcuts (Ctrl+P, Ctrl+S) work from the first key press */
  gtk_widget_grab_focus (GTK_WIDGET (self->print_button));
}

static void
sesame_checklist_page_leave (SesamePage *page)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (page);

  g_cancellable_cancel (self->map_cancellable);
}

/* Another router: rows ticked off on the one before are not done on this one */
static void
on_previous_plan_changed (SesameChecklistPage *self)
{
  g_hash_table_remove_all (self->ticked);
  render (self);
}

static void
sesame_checklist_page_root (GtkWidget *widget)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sesame_checklist_page_parent_class)->root (widget);

  /* The window keeps the plan from before "I replaced my router" */
  root = gtk_widget_get_root (widget);
  if (!SESAME_IS_WINDOW (root))
    return;

  self->window = SESAME_WINDOW (root);
  self->previous_plan_handler = g_signal_connect_object (self->window, "notify::previous-plan",
                                                         G_CALLBACK (on_previous_plan_changed), self,
                                                         G_CONNECT_SWAPPED);
  if (sesame_window_get_previous_plan (self->window) != NULL)
    render (self);
}

static void
sesame_checklist_page_unroot (GtkWidget *widget)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (widget);

  if (self->window != NULL)
    {
      g_clear_signal_handler (&self->previous_plan_handler, self->window);
      self->window = NULL;
    }

  GTK_WIDGET_CLASS (sesame_checklist_page_parent_class)->unroot (widget);
}

static void
sesame_checklist_page_constructed (GObject *object)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (object);
  SesameProbeSession *session;
  SesamePlan *plan;

  G_OBJECT_CLASS (sesame_checklist_page_parent_class)->constructed (object);

  /* A report-language switch re-renders at once */
  if ((plan = sesame_page_get_plan (SESAME_PAGE (self))) != NULL)
    g_signal_connect_object (plan, "notify::language",
                             G_CALLBACK (on_language_changed), self,
                             G_CONNECT_SWAPPED);

  /* Whether the router takes mapping requests is known as the checks go */
  if ((session = sesame_page_get_session (SESAME_PAGE (self))) != NULL)
    {
      g_signal_connect_object (session, "updated",
                               G_CALLBACK (update_mapping_group), self,
                               G_CONNECT_SWAPPED);
      /* The checklist follows the latest finished checks' findings */
      g_signal_connect_object (session, "finished",
                               G_CALLBACK (on_session_finished), self,
                               G_CONNECT_SWAPPED);
    }

  render (self);
  g_object_notify_by_pspec (object, properties[PROP_REPORT_LANGUAGE]);

  /* The last page: nothing to answer, printing and saving are optional */
  sesame_page_set_complete (SESAME_PAGE (self), TRUE);
}

static void
sesame_checklist_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (object);
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const char *language;

  switch (prop_id)
    {
    case PROP_REPORT_LANGUAGE:
      /* Never NULL: the language action's state is a string. Before the
       * plan is set (while the template is built) there is none. */
      language = plan != NULL ? sesame_plan_get_language (plan) : NULL;
      g_value_set_string (value, language != NULL ? language : "");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_checklist_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (object);
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const char *language;

  switch (prop_id)
    {
    case PROP_REPORT_LANGUAGE:
      language = g_value_get_string (value);
      /* The plan notifies, and the page follows from there */
      if (plan != NULL && language != NULL && sesame_translation_is_supported (language))
        sesame_plan_set_language (plan, language);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_checklist_page_dispose (GObject *object)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (object);

  /* Callbacks still on their way find no rows and return */
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->ports, g_ptr_array_unref);
  g_cancellable_cancel (self->map_cancellable);
  g_clear_object (&self->map_cancellable);
  clear_mapper (self);

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  /* The template's top widget is the bin's child: unparent it once, here */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_CHECKLIST_PAGE);

  g_clear_object (&self->migration);
  g_clear_object (&self->checklist);
  g_clear_object (&self->print_settings);

  G_OBJECT_CLASS (sesame_checklist_page_parent_class)->dispose (object);
}

static void
sesame_checklist_page_finalize (GObject *object)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->ticked, g_hash_table_unref);

  G_OBJECT_CLASS (sesame_checklist_page_parent_class)->finalize (object);
}

static void
sesame_checklist_page_class_init (SesameChecklistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_checklist_page_constructed;
  object_class->get_property = sesame_checklist_page_get_property;
  object_class->set_property = sesame_checklist_page_set_property;
  object_class->dispose = sesame_checklist_page_dispose;
  object_class->finalize = sesame_checklist_page_finalize;

  widget_class->root = sesame_checklist_page_root;
  widget_class->unroot = sesame_checklist_page_unroot;

  page_class->shown = sesame_checklist_page_shown;
  page_class->leave = sesame_checklist_page_leave;

  /**
   * SesameChecklistPage:report-language:
   *
   * The language the checklist is written in: the plan's, "en" or "ja"
   */
  properties[PROP_REPORT_LANGUAGE] =
    g_param_spec_string ("report-language", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-checklist-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, router_box);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, rest_box);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, mapping_group);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, mapping_list);
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, error_page);

  gtk_widget_class_install_property_action (widget_class, "checklist.language", "report-language");
  gtk_widget_class_install_action (widget_class, "checklist.print", NULL, print_activated);
  gtk_widget_class_install_action (widget_class, "checklist.save-as", "s", save_as_activated);
  gtk_widget_class_install_action (widget_class, "checklist.save-plan", NULL, save_plan_activated);
  gtk_widget_class_install_action (widget_class, "checklist.export-report", NULL, export_report_activated);
  gtk_widget_class_install_action (widget_class, "checklist.save-migration", NULL, save_migration_activated);
  gtk_widget_class_install_action (widget_class, "checklist.add-mappings", NULL, add_mappings_activated);
  gtk_widget_class_install_action (widget_class, "checklist.remove-mappings", NULL, remove_mappings_activated);
  gtk_widget_class_install_action (widget_class, "checklist.copy-command", "s", copy_command_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "checklist.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "checklist.save-as", "s", "pdf");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "checklist.save-plan", NULL);
}

static void
sesame_checklist_page_init (SesameChecklistPage *self)
{
  self->ticked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checklist.add-mappings", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checklist.remove-mappings", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checklist.save-migration", FALSE);
}

/**
 * sesame_checklist_page_dup_text:
 * @self: the page
 *
 * Returns: (transfer full): the checklist as shown, as plain text in the
 *   report language; or why there is none yet
 */
char *
sesame_checklist_page_dup_text (SesameChecklistPage *self)
{
  g_return_val_if_fail (SESAME_IS_CHECKLIST_PAGE (self), NULL);

  return g_strdup (self->text);
}

/**
 * sesame_checklist_page_set_redact_report:
 * @self: the page
 * @redact: whether settings reports leave out the public address, the
 *   router's identity and the server's name
 *
 * What the report's file chooser asks; for saving without it.
 */
void
sesame_checklist_page_set_redact_report (SesameChecklistPage *self,
                                         gboolean             redact)
{
  g_return_if_fail (SESAME_IS_CHECKLIST_PAGE (self));

  self->redact_report = !!redact;
}
