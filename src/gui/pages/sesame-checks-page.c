/* sesame-checks-page.c
 *
 * The window's network checks, one live row each. The checks run in the
 * background from the start; this page only shows the session's report as
 * it grows (::updated) and when it is done (::finished), restarts the run
 * when the plan's ports have changed, and stops it quietly when left. A
 * row shows a still "to come" icon while its finding is still to come (the
 * one spinner is the summary's: dozens of rows spinning would cost every
 * frame), then an icon and one sentence in plain words; the facts behind
 * it are in the expanded row. A port's row says what each finding says of
 * that port alone (sesame_finding_get_port_title ()), never the list of
 * every port of its kind.
 *
 * A run sends dozens of updates, sometimes many in one go. The page reads
 * the report at most once a frame, and only while it is the visible page
 * (it catches up when shown); it changes a widget only where what it shows
 * has changed, and spreads news for many rows over a few frames (see
 * show_check ()). Every row stays for as long as its check or port does,
 * open or closed as the person left it; the details under a row are made
 * when it is first opened, and kept up to date from then on.
 *
 * Each row has a "What does this mean?" button: a popover with one line in
 * plain words for each finding it shows, or for what it checks while it
 * has none (sesame-glossary.h), in the UI language.
 *
 * Why one file of this size: every part (the rows, their details, the
 * popovers, the once-a-frame refresh) reads and writes the same row table
 * and the same refresh state; what the results mean is not decided here
 * (sesame-findings.c), only how each finding is shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checks-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-checklist.h"
#include "sesame-checks-page.h"
#include "sesame-findings.h"
#include "sesame-glossary.h"
#include "sesame-gui.h"
#include "sesame-row-layout.h"

typedef enum
{
  STATUS_PENDING,   /* still to come */
  STATUS_GOOD,
  STATUS_WARNING,
  STATUS_ERROR,
  STATUS_INFO,      /* worth knowing, nothing to do */
  STATUS_UNKNOWN,   /* the run is over and did not find out */
} Status;

/* One check: an expander row with an icon in front */
typedef struct
{
  AdwExpanderRow *row;          /* owned, so that it can move within its group */
  GtkImage       *icon;
  GPtrArray      *details;      /* element-type Detail: what the row has to show */
  GPtrArray      *detail_rows;  /* element-type AdwActionRow, unowned: children of @row,
                                 * made when the row is first opened */
  char           *key;          /* nullable: the port a port's row is for, "tcp/80" */
  const char     *topic;        /* what it checks, a glossary key: "nat", "port"… */
  GtkMenuButton  *explain;      /* "What does this mean?" */
  GtkLabel       *explanation;  /* in the button's popover */
  Status          status;
} CheckRow;

/* A detail to show under a check: a title and its value */
typedef struct
{
  char *title;
  char *value;
} Detail;

struct _SesameChecksPage
{
  SesamePage            parent_instance;

  /* template widgets */
  GtkSpinner           *summary_spinner;
  GtkImage             *summary_icon;
  GtkLabel             *summary_title;
  GtkLabel             *summary_detail;
  AdwPreferencesGroup  *connection_group;
  AdwPreferencesGroup  *ports_group;
  AdwActionRow         *no_ports_row;

  CheckRow             *address;
  CheckRow             *nat;
  CheckRow             *access;
  CheckRow             *router;
  GPtrArray            *port_rows;       /* element-type CheckRow, in the order shown */
  GPtrArray            *findings;        /* nullable, element-type SesameFinding: what the
                                          * report means (sesame_findings_new ()), in the
                                          * UI language, as of the last refresh */

  gboolean              showing;         /* between ::shown and ::leave */
  guint                 tick_id;         /* a refresh is due at the next frame */

  /* while refreshing */
  guint                 allowance;       /* how much the rows may change in this frame */
  guint                 spent;
  gboolean              behind;          /* some rows are left for the next frame */
  CheckRow             *explained;       /* unowned, nullable: the row show_findings ()
                                          * has explained, for show_check () */
  char                 *explanation;     /* nullable: and what it says of it */
  Status                worst;
};

G_DEFINE_FINAL_TYPE (SesameChecksPage, sesame_checks_page, SESAME_TYPE_PAGE)

/* Widgets, changed only when what they show changes: GTK measures a
 * label again when it is given the text it already has */

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_row_title (AdwPreferencesRow *row,
               const char        *title)
{
  if (g_strcmp0 (adw_preferences_row_get_title (row), title) != 0)
    adw_preferences_row_set_title (row, title);
}

/* Details */

static void
detail_free (gpointer data)
{
  Detail *detail = data;

  g_free (detail->title);
  g_free (detail->value);
  g_free (detail);
}

static GPtrArray *
details_new (void)
{
  return g_ptr_array_new_with_free_func (detail_free);
}

/* Takes @value */
static void
details_add (GPtrArray  *details,
             const char *title,
             char       *value)
{
  Detail *detail = g_new0 (Detail, 1);

  g_assert (title != NULL);

  detail->title = g_strdup (title);
  detail->value = value != NULL ? value : g_strdup ("");
  g_ptr_array_add (details, detail);
}

static gboolean
details_equal (GPtrArray *a,
               GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      const Detail *x = g_ptr_array_index (a, i);
      const Detail *y = g_ptr_array_index (b, i);

      if (!g_str_equal (x->title, y->title) || !g_str_equal (x->value, y->value))
        return FALSE;
    }

  return TRUE;
}

static char *
join_list (GPtrArray *items)
{
  /* Translators: what separates the items of a list: "UPnP IGD, NAT-PMP" */
  const char *separator = C_("list", ", ");
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append (text, separator);
      g_string_append (text, g_ptr_array_index (items, i));
    }

  return g_string_free (text, FALSE);
}

static char *
format_ms (gint64 elapsed_ms)
{
  /* Translators: a time in milliseconds, e.g. "120 ms" */
  return g_strdup_printf (_("%d ms"), (int) CLAMP (elapsed_ms, 0, G_MAXINT));
}

/* Check rows */

static const char *
status_icon_name (Status status)
{
  switch (status)
    {
    case STATUS_GOOD:
      return "emblem-ok-symbolic";
    case STATUS_WARNING:
      return "dialog-warning-symbolic";
    case STATUS_ERROR:
      return "dialog-error-symbolic";
    case STATUS_INFO:
      return "dialog-information-symbolic";
    case STATUS_PENDING:
      return "content-loading-symbolic";
    case STATUS_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

/* What the icon says, for those who do not see it */
static const char *
status_description (Status status)
{
  switch (status)
    {
    case STATUS_GOOD:
      /* Translators: what a check's icon says, read out by screen readers */
      return C_("check", "Good");
    case STATUS_WARNING:
      /* Translators: what a check's icon says, read out by screen readers */
      return C_("check", "Needs attention");
    case STATUS_ERROR:
      /* Translators: what a check's icon says, read out by screen readers */
      return C_("check", "Problem");
    case STATUS_INFO:
      /* Translators: what a check's icon says, read out by screen readers */
      return C_("check", "Worth knowing");
    case STATUS_PENDING:
      /* Translators: what a check's icon says while it is still to come, read out by screen readers */
      return C_("check", "Checking");
    case STATUS_UNKNOWN:
    default:
      /* Translators: what a check's icon says, read out by screen readers */
      return C_("check", "Not known");
    }
}

static const char *
status_style (Status status)
{
  switch (status)
    {
    case STATUS_GOOD:
      return "success";
    case STATUS_WARNING:
      return "warning";
    case STATUS_ERROR:
      return "error";
    case STATUS_INFO:
      return "accent";
    case STATUS_PENDING:
    case STATUS_UNKNOWN:
    default:
      return "dim-label";
    }
}

static void
set_status_icon (GtkImage *icon,
                 Status    status)
{
  static const char * const styles[] = { "success", "warning", "error", "accent", "dim-label" };

  /* The same icon saying the same: nothing to do (nor to tell screen readers) */
  if (g_strcmp0 (gtk_image_get_icon_name (icon), status_icon_name (status)) == 0 &&
      g_strcmp0 (sesame_gui_get_tooltip (GTK_WIDGET (icon)), status_description (status)) == 0)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (icon), styles[i]);
  gtk_widget_add_css_class (GTK_WIDGET (icon), status_style (status));

  gtk_image_set_from_icon_name (icon, status_icon_name (status));
  /* Not gtk_widget_set_tooltip_text (): it asks the display where the
   * pointer is on every change (see sesame_gui_set_tooltip ()) */
  sesame_gui_set_tooltip (GTK_WIDGET (icon), status_description (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, status_description (status),
                                  -1);
}

/* Shows @check's details in its detail rows, making the rows it lacks */
static void
check_row_sync_detail_rows (CheckRow *check)
{
  while (check->detail_rows->len > check->details->len)
    {
      GtkWidget *row = g_ptr_array_steal_index (check->detail_rows, check->detail_rows->len - 1);

      adw_expander_row_remove (check->row, row);
    }

  for (guint i = 0; i < check->details->len; i++)
    {
      const Detail *detail = g_ptr_array_index (check->details, i);
      AdwActionRow *row;

      if (i == check->detail_rows->len)
        {
          row = ADW_ACTION_ROW (adw_action_row_new ());
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_widget_add_css_class (GTK_WIDGET (row), "property");
          sesame_row_layout_install (ADW_PREFERENCES_ROW (row));
          adw_expander_row_add_row (check->row, GTK_WIDGET (row));
          g_ptr_array_add (check->detail_rows, row);
        }

      row = g_ptr_array_index (check->detail_rows, i);
      set_row_title (ADW_PREFERENCES_ROW (row), detail->title);
      if (g_strcmp0 (adw_action_row_get_subtitle (row), detail->value) != 0)
        adw_action_row_set_subtitle (row, detail->value);
    }
}

static void
on_check_row_expanded (AdwExpanderRow *row,
                       GParamSpec     *pspec,
                       CheckRow       *check)
{
  if (adw_expander_row_get_expanded (row))
    check_row_sync_detail_rows (check);
}

/* Says what @check's words mean: @text, or what it checks while %NULL */
static void
check_row_explain (CheckRow   *check,
                   const char *text)
{
  SesameTranslation *tr = sesame_translation_get_for_language (sesame_gui_get_ui_language (), NULL);

  if (text == NULL && tr != NULL)
    text = sesame_glossary_explain (tr, check->topic);
  if (text == NULL)
    text = "";

  if (g_strcmp0 (gtk_label_get_text (check->explanation), text) == 0)
    return;

  gtk_label_set_text (check->explanation, text);
  /* Screen readers say it with the button, without opening it */
  gtk_accessible_update_property (GTK_ACCESSIBLE (check->explain),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
  gtk_widget_set_visible (GTK_WIDGET (check->explain), *text != '\0');
}

static GtkWidget *
explain_button_new (CheckRow *check)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_menu_button_new ();

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 44);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), label);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "help-about-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: the button beside each check that explains its words */
  sesame_gui_set_tooltip (button, _("What does this mean?"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("What does this mean?"),
                                  -1);
  gtk_widget_set_visible (button, FALSE);

  check->explain = GTK_MENU_BUTTON (button);
  check->explanation = GTK_LABEL (label);

  return button;
}

/* @topic: what the row checks, a key of sesame-glossary.h */
static CheckRow *
check_row_new (const char *title,
               const char *key,
               const char *topic)
{
  CheckRow *check = g_new0 (CheckRow, 1);

  check->row = g_object_ref_sink (ADW_EXPANDER_ROW (adw_expander_row_new ()));
  /* Its text changes as the checks come in: measured in one pass */
  sesame_row_layout_install (ADW_PREFERENCES_ROW (check->row));
  /* Service and server names are not markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (check->row), FALSE);
  if (title != NULL)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (check->row), title);
  /* Nothing to open until there are details */
  adw_expander_row_set_enable_expansion (check->row, FALSE);

  /* Still to come, until the report says otherwise: a still icon, as a
   * spinner on each of dozens of rows would draw every frame */
  check->status = STATUS_PENDING;
  check->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_valign (GTK_WIDGET (check->icon), GTK_ALIGN_CENTER);
  set_status_icon (check->icon, STATUS_PENDING);
  adw_expander_row_add_prefix (check->row, GTK_WIDGET (check->icon));
  check->topic = topic;
  adw_expander_row_add_action (check->row, explain_button_new (check));
  check_row_explain (check, NULL);

  check->details = details_new ();
  check->detail_rows = g_ptr_array_new ();
  check->key = g_strdup (key);

  g_signal_connect (check->row, "notify::expanded",
                    G_CALLBACK (on_check_row_expanded), check);

  return check;
}

static void
check_row_free (gpointer data)
{
  CheckRow *check = data;

  g_signal_handlers_disconnect_by_data (check->row, check);
  g_object_unref (check->row);
  g_ptr_array_unref (check->details);
  g_ptr_array_unref (check->detail_rows);
  g_free (check->key);
  g_free (check);
}

/* Whether @check shows all of this already */
static gboolean
check_row_shows (CheckRow   *check,
                 Status      status,
                 const char *verdict,
                 GPtrArray  *details)
{
  return status == check->status &&
         g_strcmp0 (adw_expander_row_get_subtitle (check->row), verdict) == 0 &&
         details_equal (check->details, details);
}

/* Takes @details. An open row shows them at once; a closed one when it is opened. */
static void
check_row_set (CheckRow   *check,
               Status      status,
               const char *verdict,
               GPtrArray  *details)
{
  gboolean expandable = details->len > 0;

  if (status != check->status)
    {
      check->status = status;
      set_status_icon (check->icon, status);
    }

  if (g_strcmp0 (adw_expander_row_get_subtitle (check->row), verdict) != 0)
    adw_expander_row_set_subtitle (check->row, verdict);

  if (details_equal (check->details, details))
    {
      g_ptr_array_unref (details);
      return;
    }

  g_ptr_array_unref (check->details);
  check->details = details;

  /* Enabling expansion expands the row too: keep it closed until opened */
  if (adw_expander_row_get_enable_expansion (check->row) != expandable)
    {
      g_signal_handlers_block_by_func (check->row, on_check_row_expanded, check);
      adw_expander_row_set_enable_expansion (check->row, expandable);
      adw_expander_row_set_expanded (check->row, FALSE);
      g_signal_handlers_unblock_by_func (check->row, on_check_row_expanded, check);
    }

  if (adw_expander_row_get_expanded (check->row))
    check_row_sync_detail_rows (check);
}

/* The worse of two statuses, for the summary: a check still to come or
 * not known says nothing against the network */
static Status
worse (Status a,
       Status b)
{
  if (a == STATUS_ERROR || b == STATUS_ERROR)
    return STATUS_ERROR;
  if (a == STATUS_WARNING || b == STATUS_WARNING)
    return STATUS_WARNING;

  return STATUS_GOOD;
}

/* What a changed row costs to show, in characters: a row that changes is
 * styled, measured and laid out again (its labels once each, see
 * sesame-row-layout.c) whatever it says, then its text is shaped, so the
 * cost is a row's worth of text plus its own */
#define ROW_COST 40

static guint
check_row_cost (CheckRow   *check,
                const char *verdict,
                GPtrArray  *details)
{
  glong cost = ROW_COST + g_utf8_strlen (verdict, -1);

  if (adw_expander_row_get_expanded (check->row))
    {
      for (guint i = 0; i < details->len; i++)
        {
          const Detail *detail = g_ptr_array_index (details, i);

          cost += ROW_COST + g_utf8_strlen (detail->title, -1) + g_utf8_strlen (detail->value, -1);
        }
    }

  return (guint) CLAMP (cost, 1, G_MAXINT);
}

/* Takes @details. Shows a check's finding, unless the rows changed in this
 * frame have used up its allowance (see check_row_cost ()): a run that
 * brings news for dozens of ports at once shows it over a few frames
 * instead of stalling in one. The first row always goes, and a new row
 * shows its first finding at once, as it is measured anyway. */
static void
show_check (SesameChecksPage *self,
            CheckRow         *check,
            Status            status,
            const char       *verdict,
            GPtrArray        *details)
{
  const char *shown = adw_expander_row_get_subtitle (check->row);
  g_autofree char *explanation = NULL;

  self->worst = worse (self->worst, status);

  /* What its findings mean; without findings, what the row checks. Shown
   * with the rest of the row, never ahead of it */
  if (self->explained == check)
    explanation = g_steal_pointer (&self->explanation);
  self->explained = NULL;
  g_clear_pointer (&self->explanation, g_free);

  if (check_row_shows (check, status, verdict, details))
    {
      check_row_explain (check, explanation);
      g_ptr_array_unref (details);
      return;
    }

  if (shown != NULL && *shown != '\0')
    {
      guint cost = check_row_cost (check, verdict, details);

      if (self->spent > 0 && cost > self->allowance - self->spent)
        {
          self->behind = TRUE;
          g_ptr_array_unref (details);
          return;
        }
      self->spent += MIN (cost, self->allowance - self->spent);
    }

  check_row_explain (check, explanation);
  check_row_set (check, status, verdict, details);
}

/* What the report says, in plain words */

static const char *
not_contacted (void)
{
  return _("Not checked: Sesame was told not to contact servers on the internet.");
}

/* A run stopped before its end leaves no report: nothing was found out */
static const char *
stopped (void)
{
  return _("Not checked: the checks were stopped before the end.");
}

static char *
not_known (const char *reason)
{
  if (reason == NULL)
    return g_strdup (_("Not known: the checks ended before this one could tell."));

  /* Translators: %s is why a check could not tell, from the probes */
  return g_strdup_printf (_("Not known: %s"), reason);
}

static const char *
tristate_text (SesameTristate value)
{
  switch (value)
    {
    case SESAME_TRISTATE_YES:
      return C_("answer", "Yes");
    case SESAME_TRISTATE_NO:
      return C_("answer", "No");
    case SESAME_TRISTATE_UNKNOWN:
    default:
      return C_("answer", "Not known");
    }
}

static gboolean
running (SesameChecksPage *self)
{
  return sesame_probe_session_get_running (sesame_page_get_session (SESAME_PAGE (self)));
}

static gboolean
internet_allowed (SesameChecksPage *self)
{
  return sesame_probe_session_get_internet (sesame_page_get_session (SESAME_PAGE (self)));
}

/* No router at all: every check that needs one says why, as a problem */
static gboolean
no_network (const SesameProbeReport *report)
{
  return report != NULL && report->gateway == NULL && report->local_reason != NULL;
}

static gboolean
is_public (const char *address)
{
  guint32 value;

  return address != NULL && sesame_ipv4_parse (address, &value) &&
         sesame_ipv4_classify (value) == SESAME_IPV4_PUBLIC;
}

/* The public address the servers have seen so far, while the run goes on */
static const char *
first_public_source (const SesameProbeReport *report)
{
  for (guint i = 0; i < report->external_sources->len; i++)
    {
      const SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);

      if (is_public (source->address))
        return source->address;
    }

  return NULL;
}

/* Findings: what the report means is decided once, by sesame_findings_new ()
 * (for the checklist, the settings report and sesame-cli alike); the page
 * shows them, in the UI language, and the facts behind them */

/* The findings about the path that leave forwarding on the router no chance */
static const char * const path_blockers[] = { "ds-lite", "cgnat", "double-nat", "no-public-address", NULL };

/* The findings with one of @ids, the most serious first */
static GPtrArray *
findings_with_ids (SesameChecksPage   *self,
                   const char * const *ids)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; self->findings != NULL && i < self->findings->len; i++)
    {
      SesameFinding *finding = g_ptr_array_index (self->findings, i);

      if (g_strv_contains (ids, finding->id))
        g_ptr_array_add (found, finding);
    }

  return found;
}

/* What a row of the page says of itself when its own finding is missing
 * because nothing can work on this path: the blockers, never a verdict of
 * its own under them */
static GPtrArray *
findings_or_blockers (SesameChecksPage   *self,
                      const char * const *ids)
{
  GPtrArray *found = findings_with_ids (self, ids);

  if (found->len == 0 && self->findings != NULL && sesame_findings_path_blocked (self->findings))
    {
      g_ptr_array_unref (found);
      found = findings_with_ids (self, path_blockers);
    }

  return found;
}

static Status
severity_status (SesameFindingSeverity severity)
{
  switch (severity)
    {
    case SESAME_FINDING_SEVERITY_BLOCKER:
      return STATUS_ERROR;
    case SESAME_FINDING_SEVERITY_WARNING:
      return STATUS_WARNING;
    case SESAME_FINDING_SEVERITY_INFO:
      return STATUS_INFO;
    case SESAME_FINDING_SEVERITY_OK:
    default:
      return STATUS_GOOD;
    }
}

/* Takes @facts. Shows @found (element-type SesameFinding, not empty, the
 * most serious first) on @check: their titles on the row (on a port's row
 * what each says of that port); in its details the facts, then what each
 * finding means and what to do (after the facts, so that a fact's row
 * stays where it is when the findings change) */
static void
show_findings (SesameChecksPage *self,
               CheckRow         *check,
               GPtrArray        *found,
               GPtrArray        *facts)
{
  g_autoptr(GPtrArray) details = facts;
  g_autoptr(GString) verdict = g_string_new (NULL);
  const SesameFinding *first;

  g_assert (found->len > 0);
  first = g_ptr_array_index (found, 0);

  for (guint i = 0; i < found->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (found, i);
      const char *title = check->key != NULL ? sesame_finding_get_port_title (finding) : finding->title;

      if (i > 0)
        g_string_append_c (verdict, '\n');
      g_string_append (verdict, title);

      details_add (details, title, g_strdup (finding->text));
      if (finding->action != NULL)
        /* Translators: a detail under a check: what to do about what it found */
        details_add (details, C_("check", "What to do"), g_strdup (finding->action));
    }

  /* What their words mean, once each */
  {
    g_autoptr(GString) explanation = g_string_new (NULL);

    for (guint i = 0; i < found->len; i++)
      {
        const SesameFinding *finding = g_ptr_array_index (found, i);

        if (finding->explanation == NULL || strstr (explanation->str, finding->explanation) != NULL)
          continue;
        if (explanation->len > 0)
          g_string_append (explanation, "\n\n");
        g_string_append (explanation, finding->explanation);
      }
    g_free (self->explanation);
    self->explanation = explanation->len > 0 ? g_strdup (explanation->str) : NULL;
    self->explained = check;
  }

  show_check (self, check, severity_status (first->severity), verdict->str, g_steal_pointer (&details));
}

static void
update_address (SesameChecksPage        *self,
                const SesameProbeReport *report)
{
  g_autoptr(GPtrArray) details = details_new ();
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *address = NULL;
  g_autofree char *verdict = NULL;
  Status status;

  if (report != NULL)
    address = report->external_ipv4 != NULL || !running (self)
              ? report->external_ipv4 : first_public_source (report);

  if (address == NULL && (found = findings_with_ids (self, (const char * const []) { "no-public-address", NULL }))->len > 0)
    status = STATUS_ERROR;
  else if (address != NULL)
    {
      status = STATUS_GOOD;
      /* Translators: %s is an IPv4 address */
      verdict = g_strdup_printf (_("The internet sees your network as %s."), address);
    }
  else if (!internet_allowed (self))
    {
      status = STATUS_UNKNOWN;
      verdict = g_strdup (not_contacted ());
    }
  else if (running (self))
    {
      status = STATUS_PENDING;
      verdict = g_strdup (_("Asking servers on the internet…"));
    }
  else if (report == NULL)
    {
      status = STATUS_UNKNOWN;
      verdict = g_strdup (stopped ());
    }
  else if (no_network (report))
    {
      status = STATUS_ERROR;
      verdict = g_strdup (report->local_reason);
    }
  else
    {
      status = STATUS_UNKNOWN;
      verdict = g_strdup (_("Not known: no server on the internet told this network’s public address. The connection may be down."));
    }

  if (report != NULL)
    {
      for (guint i = 0; i < report->external_sources->len; i++)
        {
          const SesameAddressSource *source = g_ptr_array_index (report->external_sources, i);
          g_autofree char *elapsed = format_ms (source->elapsed_ms);
          char *value;

          if (source->address != NULL && source->elapsed_ms > 0)
            /* Translators: an address a server saw, and how long it took: "203.0.113.7 (35 ms)" */
            value = g_strdup_printf (_("%s (%s)"), source->address, elapsed);
          else if (source->address != NULL)
            value = g_strdup (source->address);
          else
            /* Translators: %s is why a server gave no address */
            value = g_strdup_printf (_("No answer: %s"), source->error != NULL ? source->error : "");
          details_add (details, source->server != NULL ? source->server : source->method, value);
        }

      if (report->wan_address != NULL)
        details_add (details, _("Your router’s internet side"), g_strdup (report->wan_address));

      servers = g_ptr_array_new ();
      for (guint i = 0; i < report->servers_contacted->len; i++)
        g_ptr_array_add (servers, g_ptr_array_index (report->servers_contacted, i));
      if (servers->len > 0)
        details_add (details, _("Servers asked"), join_list (servers));
      else
        details_add (details, _("Servers asked"), g_strdup (_("None")));
    }

  if (status == STATUS_ERROR && found != NULL && found->len > 0)
    {
      show_findings (self, self->address, found, g_steal_pointer (&details));
      return;
    }

  show_check (self, self->address, status, verdict, g_steal_pointer (&details));
}

static void
update_nat (SesameChecksPage        *self,
            const SesameProbeReport *report)
{
  static const char * const ids[] = { "nat", "udp-blocked", "hairpin", NULL };
  g_autoptr(GPtrArray) details = details_new ();
  g_autoptr(GPtrArray) found = findings_or_blockers (self, ids);
  g_autofree char *owned = NULL;
  const char *verdict = NULL;
  Status status = STATUS_UNKNOWN;

  if (report != NULL && (report->classic != SESAME_NAT_CLASSIC_UNKNOWN ||
                         report->mapping != SESAME_NAT_MAPPING_UNKNOWN ||
                         report->nat_elapsed_ms > 0))
    {
      details_add (details, _("Reaching your public address from home"),
                   g_strdup (tristate_text (report->hairpinning)));
      details_add (details, _("Time taken"), format_ms (report->nat_elapsed_ms));
    }

  if (found->len > 0)
    {
      if (report->nat_reason != NULL)
        details_add (details, _("Why"), g_strdup (report->nat_reason));
      show_findings (self, self->nat, found, g_steal_pointer (&details));
      return;
    }

  /* Nothing found out yet, or nothing to find */
  if (!internet_allowed (self))
    verdict = not_contacted ();
  else if (no_network (report))
    {
      status = STATUS_ERROR;
      verdict = report->local_reason;
    }
  else if (running (self) && (report == NULL || report->nat_reason == NULL))
    {
      status = STATUS_PENDING;
      verdict = _("Asking STUN servers how your router translates addresses…");
    }
  else
    verdict = report != NULL ? (owned = not_known (report->nat_reason)) : stopped ();

  if (report != NULL && report->nat_reason != NULL && status != STATUS_UNKNOWN)
    details_add (details, _("Why"), g_strdup (report->nat_reason));

  show_check (self, self->nat, status, verdict, g_steal_pointer (&details));
}

static void
update_access (SesameChecksPage        *self,
               const SesameProbeReport *report)
{
  static const char * const ids[] = { "ds-lite", "cgnat", "double-nat", "no-public-address", "map-e", "direct", NULL };
  g_autoptr(GPtrArray) details = details_new ();
  g_autoptr(GPtrArray) found = findings_with_ids (self, ids);
  g_autofree char *owned = NULL;
  const char *verdict = NULL;
  Status status;

  if (report != NULL)
    {
      details_add (details, _("Two routers in a row (double NAT)"), g_strdup (tristate_text (report->double_nat)));
      details_add (details, _("Address shared by the provider (carrier-grade NAT)"), g_strdup (tristate_text (report->cgnat)));
      if (report->wan_address != NULL)
        details_add (details, _("Your router’s internet side"), g_strdup (report->wan_address));
      if (report->hops->len > 0)
        details_add (details, _("Routers on the way out"), join_list (report->hops));
    }

  if (found->len > 0)
    {
      if (report->access_reason != NULL)
        details_add (details, _("Why"), g_strdup (report->access_reason));
      show_findings (self, self->access, found, g_steal_pointer (&details));
      return;
    }

  if (no_network (report))
    {
      status = STATUS_ERROR;
      verdict = report->local_reason;
    }
  else if (running (self))
    {
      status = STATUS_PENDING;
      verdict = _("Looking for a second router or a shared address on the way…");
    }
  else
    {
      status = STATUS_UNKNOWN;
      verdict = report != NULL ? (owned = not_known (report->access_reason)) : stopped ();
    }

  if (report != NULL && report->access_reason != NULL && status != STATUS_UNKNOWN)
    details_add (details, _("Why"), g_strdup (report->access_reason));

  show_check (self, self->access, status, verdict, g_steal_pointer (&details));
}

static char *
protocol_state (gboolean    found,
                const char *address,
                const char *error,
                gboolean    pending)
{
  if (found && address != NULL)
    /* Translators: a router protocol that answered; %s is the public address it gave */
    return g_strdup_printf (_("Found; it gives the public address %s"), address);
  if (found)
    return g_strdup (_("Found"));
  if (error != NULL)
    /* Translators: %s is why the router did not answer */
    return g_strdup_printf (_("Not found: %s"), error);
  if (pending)
    return g_strdup (_("Asking…"));

  return g_strdup (_("Not found"));
}

static char *
device_name (const SesameProbeReport *report)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (report->upnp_manufacturer != NULL)
    g_ptr_array_add (parts, report->upnp_manufacturer);
  if (report->upnp_model != NULL)
    g_ptr_array_add (parts, report->upnp_model);
  if (report->upnp_model_number != NULL && g_strcmp0 (report->upnp_model_number, report->upnp_model) != 0)
    g_ptr_array_add (parts, report->upnp_model_number);
  g_ptr_array_add (parts, NULL);

  if (parts->len == 1)
    return g_strdup (report->upnp_friendly_name);

  return g_strjoinv (" ", (char **) parts->pdata);
}

static char *
catalog_router_name (const SesameRouter *router)
{
  const char *language = sesame_gui_get_ui_language ();

  /* Translators: a router's vendor and model: "Buffalo WSR-1800AX4S" */
  return g_strdup_printf (C_("router", "%s %s"),
                          sesame_text_get (&router->vendor, language),
                          sesame_text_get (&router->model, language));
}

static void
update_router (SesameChecksPage        *self,
               const SesameProbeReport *report)
{
  static const char * const ids[] = { "router-mismatch", "router-automatic", NULL };
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  g_autoptr(GPtrArray) details = details_new ();
  g_autoptr(GPtrArray) found = findings_or_blockers (self, ids);
  g_autofree char *verdict = NULL;
  g_autofree char *device = NULL;
  const SesameRouter *seen = NULL;
  gboolean pending;
  Status status;

  pending = running (self) &&
            (report == NULL ||
             (!report->upnp_found && report->upnp_error == NULL) ||
             (!report->natpmp_found && report->natpmp_error == NULL) ||
             (!report->pcp_found && report->pcp_error == NULL));

  if (report != NULL)
    {
      if (report->upnp_found)
        device = device_name (report);
      if (report->upnp_catalog_id != NULL)
        seen = sesame_catalog_lookup_router (catalog, report->upnp_catalog_id);

      if (report->gateway != NULL)
        details_add (details, _("Router address"), g_strdup (report->gateway));
      if (device != NULL)
        details_add (details, _("Model"), g_strdup (device));
      if (report->upnp_friendly_name != NULL)
        details_add (details, _("Name"), g_strdup (report->upnp_friendly_name));
      if (seen != NULL)
        details_add (details, _("In Sesame’s list as"), catalog_router_name (seen));
      details_add (details, "UPnP IGD",
                   protocol_state (report->upnp_found, report->upnp_external_address,
                                   report->upnp_error, pending));
      details_add (details, "NAT-PMP",
                   protocol_state (report->natpmp_found, report->natpmp_external_address,
                                   report->natpmp_error, pending));
      details_add (details, "PCP",
                   protocol_state (report->pcp_found, report->pcp_external_address,
                                   report->pcp_error, pending));
      if (report->upnp_found)
        details_add (details, _("Forwarding rows on the router"),
                     g_strdup_printf ("%u", report->upnp_mappings->len));
    }

  if (found->len > 0)
    {
      show_findings (self, self->router, found, g_steal_pointer (&details));
      return;
    }

  if (pending)
    {
      status = STATUS_PENDING;
      verdict = g_strdup (_("Asking your router whether it can be set up automatically…"));
    }
  else if (report == NULL)
    {
      status = STATUS_UNKNOWN;
      verdict = g_strdup (stopped ());
    }
  else if (no_network (report))
    {
      status = STATUS_ERROR;
      verdict = g_strdup (report->local_reason);
    }
  else
    {
      /* Nothing to set up automatically: worth knowing, no more */
      status = STATUS_INFO;
      verdict = g_strdup (_("Your router does not offer automatic setup (UPnP IGD, NAT-PMP or PCP). That is fine: you enter the forwarding rows by hand, as the checklist shows."));
    }

  show_check (self, self->router, status, verdict, g_steal_pointer (&details));
}

/* Ports */

/* One port to show: its finding once the run has one */
typedef struct
{
  const char              *protocol;
  guint16                  port;
  const SesamePortFinding *finding;   /* nullable */
} PortView;

/* The ports of the report, or until it has them the ports a run checks:
 * the internal ports of the plan's forwarding rows, as the prober takes
 * them. A run starts with none and adds them all at once, so the rows for
 * them stay in place from one run to the next. */
static GArray *
port_views (const SesameProbeReport *report,
            GPtrArray               *forwards,
            gboolean                 running)
{
  GArray *views = g_array_new (FALSE, TRUE, sizeof (PortView));

  if (report != NULL && (report->ports->len > 0 || !running))
    {
      for (guint i = 0; i < report->ports->len; i++)
        {
          const SesamePortFinding *finding = g_ptr_array_index (report->ports, i);
          PortView view = { finding->protocol, finding->port, finding };

          g_array_append_val (views, view);
        }

      return views;
    }

  for (guint i = 0; forwards != NULL && i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      for (guint port = forward->internal.first; port <= forward->internal.last && views->len < 64; port++)
        {
          PortView view = { sesame_protocol_to_string (forward->protocol), (guint16) port, NULL };
          gboolean seen = FALSE;

          for (guint v = 0; v < views->len && !seen; v++)
            seen = g_array_index (views, PortView, v).port == view.port &&
                   g_str_equal (g_array_index (views, PortView, v).protocol, view.protocol);
          if (!seen)
            g_array_append_val (views, view);
        }
    }

  return views;
}

/* The services that need @view's port, as the person knows them */
static char *
port_services (SesameChecksPage *self,
               GPtrArray        *forwards,
               const PortView   *view)
{
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; forwards != NULL && i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      if (g_strcmp0 (sesame_protocol_to_string (forward->protocol), view->protocol) != 0 ||
          view->port < forward->internal.first || view->port > forward->internal.last)
        continue;

      for (guint s = 0; s < forward->services->len; s++)
        {
          const char *id = g_ptr_array_index (forward->services, s);
          const SesameService *service;
          const char *name;

          if (g_str_has_prefix (id, "custom:"))
            name = id + strlen ("custom:");
          else if ((service = sesame_catalog_lookup_service (catalog, id)) != NULL)
            name = _(service->name);
          else
            name = g_ptr_array_index (forward->names, s);

          if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            g_ptr_array_add (names, (gpointer) name);
        }
    }

  return names->len > 0 ? join_list (names) : NULL;
}

static const char *
listening_text (SesameTristate listening)
{
  switch (listening)
    {
    case SESAME_TRISTATE_YES:
      return _("Listening");
    case SESAME_TRISTATE_NO:
      return _("Not listening");
    case SESAME_TRISTATE_UNKNOWN:
    default:
      return C_("answer", "Not known");
    }
}

static const char *
mapping_state_text (SesameMappingState state)
{
  switch (state)
    {
    case SESAME_MAPPING_STATE_PRESENT:
      return _("Forwarded to this computer");
    case SESAME_MAPPING_STATE_ABSENT:
      return _("No forwarding row");
    case SESAME_MAPPING_STATE_WRONG_HOST:
      return _("Forwarded to another computer");
    case SESAME_MAPPING_STATE_UNKNOWN:
    default:
      return C_("answer", "Not known");
    }
}

static const char *
reachability_text (SesameReachability reachability)
{
  switch (reachability)
    {
    case SESAME_REACHABILITY_OPEN:
      return _("Reachable");
    case SESAME_REACHABILITY_REFUSED:
      return _("Refused: the port gets through, but nothing answers");
    case SESAME_REACHABILITY_FILTERED:
      return _("Blocked on the way in");
    case SESAME_REACHABILITY_UNKNOWN:
    default:
      return C_("answer", "Not known");
    }
}

/* The findings about @view's port, the most serious first: about the rows
 * of the plan that carry it (the path, UDP…), or about the port itself */
static GPtrArray *
port_findings (SesameChecksPage *self,
               GPtrArray        *forwards,
               const PortView   *view)
{
  SesamePortRange range = { view->port, view->port };
  GPtrArray *found = g_ptr_array_new ();
  SesameProtocol protocol;

  if (!sesame_protocol_from_string (view->protocol, &protocol))
    return found;

  for (guint i = 0; self->findings != NULL && i < self->findings->len; i++)
    {
      SesameFinding *finding = g_ptr_array_index (self->findings, i);
      gboolean carried = FALSE;
      gboolean concerns = FALSE;

      for (guint f = 0; forwards != NULL && f < forwards->len && !concerns; f++)
        {
          const SesameForward *forward = g_ptr_array_index (forwards, f);

          if (forward->protocol != protocol || !sesame_port_range_overlaps (&forward->internal, &range))
            continue;

          carried = TRUE;
          concerns = sesame_finding_concerns (finding, protocol, &forward->external, &forward->internal);
        }

      if (!carried)
        concerns = sesame_finding_concerns (finding, protocol, &range, &range);
      if (concerns)
        g_ptr_array_add (found, finding);
    }

  return found;
}

/* What a port's row says when no finding is about it: how far the checks got */
static Status
port_unknown (SesameChecksPage         *self,
              const SesamePortFinding  *finding,
              char                    **verdict)
{
  if (!internet_allowed (self))
    *verdict = g_strdup (not_contacted ());
  else if (finding->listening == SESAME_TRISTATE_YES && finding->reason != NULL)
    /* Translators: %s is why reachability is not known */
    *verdict = g_strdup_printf (_("Listening on this computer. Whether it can be reached from the internet is not known: %s"),
                                finding->reason);
  else if (finding->listening == SESAME_TRISTATE_YES)
    *verdict = g_strdup (_("Listening on this computer. Whether it can be reached from the internet is not known."));
  else
    *verdict = not_known (finding->reason);

  return STATUS_UNKNOWN;
}

static CheckRow *
find_port_row (GPtrArray  *rows,
               const char *key)
{
  for (guint i = 0; i < rows->len; i++)
    {
      CheckRow *check = g_ptr_array_index (rows, i);

      if (g_str_equal (check->key, key))
        return check;
    }

  return NULL;
}

/* Makes the port rows those of @views, in their order: the row of a port
 * still there stays as it is, open or not, and keeps its place when the
 * order allows */
static void
update_port_rows (SesameChecksPage *self,
                  GArray           *views)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (check_row_free);
  GPtrArray *kept = self->port_rows;
  gboolean in_place = TRUE;

  for (guint i = 0; i < views->len; i++)
    {
      const PortView *view = &g_array_index (views, PortView, i);

      g_ptr_array_add (keys, g_strdup_printf ("%s/%u", view->protocol, view->port));
    }

  /* The rows of ports gone */
  for (guint i = kept->len; i > 0; i--)
    {
      CheckRow *check = g_ptr_array_index (kept, i - 1);

      if (!g_ptr_array_find_with_equal_func (keys, check->key, g_str_equal, NULL))
        {
          adw_preferences_group_remove (self->ports_group, GTK_WIDGET (check->row));
          g_ptr_array_remove_index (kept, i - 1);
        }
    }

  /* Those left, in the new order, and a new row for each new port */
  for (guint i = 0; i < keys->len; i++)
    {
      CheckRow *check = find_port_row (kept, g_ptr_array_index (keys, i));

      g_ptr_array_add (rows, check != NULL ? check : check_row_new (NULL, g_ptr_array_index (keys, i), "port"));
    }

  /* The group has the rows left in their old order, before the new ones:
   * the new rows go after them, unless the order has changed */
  for (guint i = 0; i < kept->len && in_place; i++)
    in_place = g_ptr_array_index (rows, i) == g_ptr_array_index (kept, i);
  if (!in_place)
    {
      for (guint i = 0; i < kept->len; i++)
        adw_preferences_group_remove (self->ports_group,
                                      GTK_WIDGET (((CheckRow *) g_ptr_array_index (kept, i))->row));
    }
  for (guint i = in_place ? kept->len : 0; i < rows->len; i++)
    adw_preferences_group_add (self->ports_group,
                               GTK_WIDGET (((CheckRow *) g_ptr_array_index (rows, i))->row));

  /* The rows left move over to the new list */
  g_ptr_array_set_free_func (kept, NULL);
  g_ptr_array_unref (kept);
  self->port_rows = g_steal_pointer (&rows);
}

static void
update_ports (SesameChecksPage        *self,
              const SesameProbeReport *report)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GArray) views = NULL;
  GPtrArray *forwards = NULL;
  gboolean busy = running (self);

  /* The forwards say which services need which port; a plan without a host address has none */
  checklist = sesame_checklist_new (plan, catalog, "en", NULL);
  if (checklist != NULL)
    forwards = sesame_checklist_get_forwards (checklist);
  views = port_views (report, forwards, busy);

  update_port_rows (self, views);
  gtk_widget_set_visible (GTK_WIDGET (self->no_ports_row), self->port_rows->len == 0);

  for (guint i = 0; i < self->port_rows->len; i++)
    {
      const PortView *view = &g_array_index (views, PortView, i);
      const SesamePortFinding *finding = view->finding;
      CheckRow *check = g_ptr_array_index (self->port_rows, i);
      g_autoptr(GPtrArray) details = details_new ();
      g_autofree char *protocol = g_ascii_strup (view->protocol, -1);
      g_autofree char *services = port_services (self, forwards, view);
      g_autofree char *title = NULL;
      g_autofree char *verdict = NULL;
      g_autoptr(GPtrArray) found = NULL;
      gboolean pending;
      Status status;

      if (services != NULL)
        /* Translators: a port's row: protocol, port number and the services that need it, e.g. "TCP 80 — Website (HTTP)" */
        title = g_strdup_printf (_("%s %u — %s"), protocol, view->port, services);
      else
        /* Translators: a port's row: protocol and port number, e.g. "TCP 80" */
        title = g_strdup_printf (_("%s %u"), protocol, view->port);
      set_row_title (ADW_PREFERENCES_ROW (check->row), title);

      if (finding == NULL && busy)
        {
          /* The run has not got to its ports yet */
          details_add (details, _("On this computer"), g_strdup (_("Checking…")));
          details_add (details, _("On the router"), g_strdup (_("Checking…")));
          details_add (details, _("From the internet"), g_strdup (_("Checking…")));
          show_check (self, check, STATUS_PENDING, _("Checking…"), g_steal_pointer (&details));
          continue;
        }

      if (finding == NULL)
        {
          /* No report: the run was stopped before it found anything */
          show_check (self, check, STATUS_UNKNOWN, stopped (), g_steal_pointer (&details));
          continue;
        }

      pending = finding->reachable == SESAME_REACHABILITY_UNKNOWN && finding->reason == NULL && busy;

      details_add (details, _("On this computer"), g_strdup (listening_text (finding->listening)));
      details_add (details, _("On the router"), g_strdup (mapping_state_text (finding->router_mapping)));
      if (pending)
        details_add (details, _("From the internet"), g_strdup (_("Checking…")));
      else if (finding->reachable == SESAME_REACHABILITY_UNKNOWN && !internet_allowed (self))
        details_add (details, _("From the internet"), g_strdup (C_("answer", "Not checked")));
      else
        details_add (details, _("From the internet"), g_strdup (reachability_text (finding->reachable)));
      if (finding->reason != NULL)
        details_add (details, _("Why"), g_strdup (finding->reason));

      if (pending)
        {
          show_check (self, check, STATUS_PENDING, _("Checking from the internet…"), g_steal_pointer (&details));
          continue;
        }

      found = port_findings (self, forwards, view);
      if (found->len > 0)
        {
          show_findings (self, check, found, g_steal_pointer (&details));
          continue;
        }

      status = port_unknown (self, finding, &verdict);
      show_check (self, check, status, verdict, g_steal_pointer (&details));
    }
}

/* Summary */

static void
update_summary (SesameChecksPage        *self,
                const SesameProbeReport *report)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  gboolean busy = running (self);
  Status status;

  gtk_widget_set_visible (GTK_WIDGET (self->summary_spinner), busy);
  gtk_spinner_set_spinning (self->summary_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_icon), !busy);

  if (busy)
    {
      set_label_text (self->summary_title, _("Checking your network…"));
      set_label_text (self->summary_detail, _("You can go on meanwhile: the checks never hold you up."));
      return;
    }

  if (report == NULL)
    {
      set_status_icon (self->summary_icon, STATUS_UNKNOWN);
      set_label_text (self->summary_title, _("The checks were stopped"));
      set_label_text (self->summary_detail, _("Check again to see how your network looks from the internet."));
      return;
    }

  /* The worst of the findings, whether each row shows its own yet or not */
  status = self->worst;
  set_status_icon (self->summary_icon, status);

  {
    guint checked = 0;
    guint open = 0;

    for (guint i = 0; i < report->ports->len; i++)
      {
        const SesamePortFinding *finding = g_ptr_array_index (report->ports, i);

        if (finding->reachable != SESAME_REACHABILITY_UNKNOWN)
          checked++;
        if (finding->reachable == SESAME_REACHABILITY_OPEN)
          open++;
      }

    /* Nothing else matters as much as what leaves forwarding no chance */
    if (self->findings != NULL && self->findings->len > 0 &&
        ((const SesameFinding *) g_ptr_array_index (self->findings, 0))->severity == SESAME_FINDING_SEVERITY_BLOCKER)
      title = g_strdup (((const SesameFinding *) g_ptr_array_index (self->findings, 0))->title);
    else if (checked > 0)
      /* Translators: "3 of 5 ports can be reached from the internet" */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u of %u port can be reached from the internet",
                                            "%u of %u ports can be reached from the internet",
                                            report->ports->len),
                               open, report->ports->len);
    else if (status == STATUS_GOOD)
      title = g_strdup (_("The checks are done: nothing needs your attention"));
    else
      title = g_strdup (_("The checks are done: see the rows marked below"));
  }

  /* Translators: how long the checks took, in seconds: "Done in 1.2 s" */
  detail = g_strdup_printf (_("Done in %.1f s"), (double) report->elapsed_ms / 1000.0);

  set_label_text (self->summary_title, title);
  set_label_text (self->summary_detail, detail);
}

/* Enough text for one frame (see check_row_cost ()): a few ms of measuring
 * on a slow computer, three rows with their verdicts. At 200 the busiest
 * frame of a restart took 16.5 ms of the main thread on two slow cores
 * (tests/bench/gui-bench.py, checks+restart), at 150 10.4 ms; the checks
 * took as long */
#define TEXT_PER_FRAME 150

/* Shows the report, changing rows that show something already for at most
 * @allowance (see check_row_cost ()). Returns whether every row shows the
 * report. */
static gboolean
refresh (SesameChecksPage *self,
         guint             allowance)
{
  const SesameProbeReport *report;

  report = sesame_probe_session_get_report (sesame_page_get_session (SESAME_PAGE (self)));
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  if (report != NULL)
    self->findings = sesame_findings_new (sesame_page_get_plan (SESAME_PAGE (self)),
                                          sesame_page_get_catalog (SESAME_PAGE (self)),
                                          report, sesame_gui_get_ui_language (), NULL);
  self->allowance = allowance;
  self->spent = 0;
  self->behind = FALSE;
  self->worst = STATUS_GOOD;

  update_address (self, report);
  update_nat (self, report);
  update_access (self, report);
  update_router (self, report);
  update_ports (self, report);
  update_summary (self, report);

  return !self->behind;
}

static gboolean
refresh_tick (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  SesameChecksPage *self = SESAME_CHECKS_PAGE (widget);

  if (!refresh (self, TEXT_PER_FRAME))
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Every section reads from several parts of the report, and updates come
 * in bursts: one refresh per frame at most, just before its layout, and
 * none while hidden (the page catches up when shown) */
static void
queue_refresh (SesameChecksPage *self)
{
  if (self->showing && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), refresh_tick, NULL, NULL);
}

static void
cancel_refresh (SesameChecksPage *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
}

/* As much as this frame allows at once, the rest in the next frames */
static void
refresh_soon (SesameChecksPage *self)
{
  cancel_refresh (self);
  if (!refresh (self, TEXT_PER_FRAME))
    queue_refresh (self);
}

static void
check_again (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SesamePage *page = SESAME_PAGE (widget);

  sesame_probe_session_start (sesame_page_get_session (page),
                              sesame_page_get_plan (page),
                              sesame_page_get_catalog (page));
  /* At once: the press on the button shows its effect */
  refresh_soon (SESAME_CHECKS_PAGE (widget));
}

static void
sesame_checks_page_shown (SesamePage *page)
{
  SesameChecksPage *self = SESAME_CHECKS_PAGE (page);

  self->showing = TRUE;
  sesame_probe_session_ensure (sesame_page_get_session (page),
                               sesame_page_get_plan (page),
                               sesame_page_get_catalog (page));
  /* The report as it is now, built while the page was hidden or not */
  refresh_soon (self);
}

static void
sesame_checks_page_back (SesamePage *page)
{
  SesameChecksPage *self = SESAME_CHECKS_PAGE (page);

  /* Quietly: the next visit runs them again. Going on to the checklist
   * lets them finish, for its settings report and port mappings. */
  sesame_probe_session_cancel (sesame_page_get_session (page));

  /* The page slides away saying so, with no spinner left spinning */
  if (self->tick_id != 0)
    {
      cancel_refresh (self);
      refresh (self, G_MAXUINT);
    }
}

static void
sesame_checks_page_leave (SesamePage *page)
{
  SesameChecksPage *self = SESAME_CHECKS_PAGE (page);

  /* Hidden, the page reads nothing: it catches up when shown again */
  cancel_refresh (self);
  self->showing = FALSE;
}

static void
sesame_checks_page_constructed (GObject *object)
{
  SesameChecksPage *self = SESAME_CHECKS_PAGE (object);
  SesameProbeSession *session;

  G_OBJECT_CLASS (sesame_checks_page_parent_class)->constructed (object);

  /* The window gives every page its session: this page shows nothing else */
  session = sesame_page_get_session (SESAME_PAGE (self));
  g_assert (SESAME_IS_PROBE_SESSION (session));

  g_signal_connect_object (session, "updated",
                           G_CALLBACK (queue_refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "finished",
                           G_CALLBACK (queue_refresh), self,
                           G_CONNECT_SWAPPED);
  /* A run stopped before its end leaves no spinner behind */
  g_signal_connect_object (session, "notify::running",
                           G_CALLBACK (queue_refresh), self,
                           G_CONNECT_SWAPPED);

  /* The checks inform; they never hold the person up */
  sesame_page_set_complete (SESAME_PAGE (self), TRUE);
}

static void
sesame_checks_page_dispose (GObject *object)
{
  SesameChecksPage *self = SESAME_CHECKS_PAGE (object);
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));

  /* The session outlives the page's widgets: a run ending now must not reach them */
  if (session != NULL)
    g_signal_handlers_disconnect_by_data (session, self);
  cancel_refresh (self);

  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_CHECKS_PAGE);

  g_clear_pointer (&self->address, check_row_free);
  g_clear_pointer (&self->nat, check_row_free);
  g_clear_pointer (&self->access, check_row_free);
  g_clear_pointer (&self->router, check_row_free);
  g_clear_pointer (&self->port_rows, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->explanation, g_free);

  G_OBJECT_CLASS (sesame_checks_page_parent_class)->dispose (object);
}

static void
sesame_checks_page_class_init (SesameChecksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_checks_page_constructed;
  object_class->dispose = sesame_checks_page_dispose;

  page_class->shown = sesame_checks_page_shown;
  page_class->back = sesame_checks_page_back;
  page_class->leave = sesame_checks_page_leave;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-checks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, summary_spinner);
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, summary_title);
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, summary_detail);
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, connection_group);
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, ports_group);
  gtk_widget_class_bind_template_child (widget_class, SesameChecksPage, no_ports_row);

  gtk_widget_class_install_action (widget_class, "checks.check-again", NULL, check_again);
}

static void
sesame_checks_page_init (SesameChecksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->address = check_row_new (_("Public Address"), NULL, "public-address");
  self->nat = check_row_new (_("Address Translation (NAT)"), NULL, "nat");
  self->access = check_row_new (_("Path to the Internet"), NULL, "path");
  self->router = check_row_new (_("Router Automatic Setup"), NULL, "router");
  adw_preferences_group_add (self->connection_group, GTK_WIDGET (self->address->row));
  adw_preferences_group_add (self->connection_group, GTK_WIDGET (self->nat->row));
  adw_preferences_group_add (self->connection_group, GTK_WIDGET (self->access->row));
  adw_preferences_group_add (self->connection_group, GTK_WIDGET (self->router->row));

  self->port_rows = g_ptr_array_new_with_free_func (check_row_free);
}
