/* sesame-services-page.c
 *
 * The catalog's services, grouped by category, each with a check button,
 * its ports marked by what happens to them at the router, and its risks;
 * then the ports the person adds by hand ("custom rules"), with a form that
 * says what is wrong next to the field as they type.
 *
 * The rows are built once; searching only shows and hides them. What is
 * ticked and which rules exist is read back from the plan whenever the
 * plan changes, so the plan stays the one source of truth.
 *
 * Nothing typed into the form is lost: a port that can be added is added
 * when the person goes on without pressing Add, and one that cannot keeps
 * Next off, with the reason under the form, until it is fixed or cleared.
 *
 * Over 1,000 lines because the catalog rows and the custom rule form
 * share the plan's ports and the same checks of what a rule may be.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-services-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-services-page.h"

typedef struct
{
  const SesameService  *service;    /* owned by the catalog */
  GtkWidget            *row;        /* owned by its list */
  GtkCheckButton       *check;      /* owned by the row */
  guint                 category;   /* index into categories */
  char                 *haystack;   /* names, descriptions and category, folded for search */
} ServiceEntry;

typedef struct
{
  GtkWidget *group;                 /* owned by services_box */
  guint      n_shown;
} CategoryEntry;

struct _SesameServicesPage
{
  SesamePage            parent_instance;

  /* template widgets */
  GtkSearchEntry       *search_entry;
  GtkLabel             *summary_label;
  GtkBox               *services_box;
  AdwStatusPage        *empty_page;
  AdwPreferencesGroup  *custom_group;
  AdwEntryRow          *name_row;
  GtkWidget            *name_error_row;
  GtkLabel             *name_error_label;
  AdwComboRow          *protocol_row;
  AdwEntryRow          *external_row;
  GtkWidget            *external_error_row;
  GtkLabel             *external_error_label;
  AdwEntryRow          *internal_row;
  GtkWidget            *internal_error_row;
  GtkLabel             *internal_error_label;
  GtkLabel             *form_status_label;

  GArray               *categories;   /* element-type CategoryEntry */
  GPtrArray            *entries;      /* element-type ServiceEntry */
  GPtrArray            *rule_rows;    /* element-type AdwActionRow, owned by custom_group */

  /* A field's problems show once something was typed into it */
  gboolean              name_touched;
  gboolean              external_touched;
  gboolean              internal_touched;

  /* What the form holds: nothing, or a port that can be added as it is */
  gboolean              form_empty;
  gboolean              form_valid;

  /* Set between "back" and "leave": going back adds nothing */
  gboolean              going_back;

  /* Set while check buttons follow the plan, so they do not write it back */
  gboolean              syncing;
};

G_DEFINE_FINAL_TYPE (SesameServicesPage, sesame_services_page, SESAME_TYPE_PAGE)

static void update_summary (SesameServicesPage *self);

static void
service_entry_free (gpointer data)
{
  ServiceEntry *entry = data;

  g_free (entry->haystack);
  g_free (entry);
}

/* Case and width folded (full-width digits typed with a Japanese input
 * method match too), for comparing what was typed with what is shown */
static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normalized != NULL ? normalized : "", -1);
}

static const char *
rule_protocol_label (SesameRuleProtocol protocol)
{
  switch (protocol)
    {
    case SESAME_RULE_PROTOCOL_TCP:
      return C_("protocol", "TCP");

    case SESAME_RULE_PROTOCOL_UDP:
      return C_("protocol", "UDP");

    case SESAME_RULE_PROTOCOL_BOTH:
    default:
      return C_("protocol", "TCP and UDP");
    }
}

static gboolean
rule_protocol_has (SesameRuleProtocol rule_protocol,
                   SesameProtocol     protocol)
{
  return rule_protocol == SESAME_RULE_PROTOCOL_BOTH ||
         (rule_protocol == SESAME_RULE_PROTOCOL_TCP) == (protocol == SESAME_PROTOCOL_TCP);
}

static gboolean
rule_protocols_meet (SesameRuleProtocol a,
                     SesameRuleProtocol b)
{
  return a == SESAME_RULE_PROTOCOL_BOTH || b == SESAME_RULE_PROTOCOL_BOTH || a == b;
}

/* "TCP 22", "UDP 16384-16403" */
static char *
describe_port (SesameProtocol         protocol,
               const SesamePortRange *range)
{
  g_autofree char *ports = sesame_port_range_to_string (range);

  return g_strdup_printf ("%s %s", sesame_protocol_label (protocol), ports);
}

/* The first letter up, for the model's messages written to follow a colon */
static char *
sentence_case (const char *text)
{
  gunichar first = g_utf8_get_char (text);
  char buffer[8] = { 0 };

  if (first == 0)
    return g_strdup ("");

  g_unichar_to_utf8 (g_unichar_totitle (first), buffer);

  return g_strconcat (buffer, g_utf8_next_char (text), NULL);
}

/* Services and ports */

typedef enum
{
  MARK_FORWARDED,
  MARK_NOT_FORWARDED,
  MARK_OUTBOUND,
  MARK_LAN,
  N_MARKS
} PortMark;

static PortMark
port_mark (const SesameService     *service,
           const SesameServicePort *port)
{
  switch (port->exposure)
    {
    case SESAME_EXPOSURE_LAN:
      return MARK_LAN;

    case SESAME_EXPOSURE_OUTBOUND:
      return MARK_OUTBOUND;

    case SESAME_EXPOSURE_INTERNET:
    default:
      return service->risk == SESAME_RISK_DANGEROUS ? MARK_NOT_FORWARDED : MARK_FORWARDED;
    }
}

static const char *
mark_icon_name (PortMark mark)
{
  static const char * const icon_names[N_MARKS] = {
    [MARK_FORWARDED] = "network-transmit-receive-symbolic",
    [MARK_NOT_FORWARDED] = "action-unavailable-symbolic",
    [MARK_OUTBOUND] = "send-to-symbolic",
    [MARK_LAN] = "user-home-symbolic",
  };

  return icon_names[mark];
}

static char *
format_mark (PortMark    mark,
             const char *ports)
{
  switch (mark)
    {
    case MARK_FORWARDED:
      /* Translators: %s is a list of ports, such as “TCP 80, UDP 443” */
      return g_strdup_printf (_("Forwarded to this computer: %s"), ports);

    case MARK_NOT_FORWARDED:
      /* Translators: %s is a list of ports, such as “TCP 445, TCP 139” */
      return g_strdup_printf (_("Not forwarded, because it is unsafe: %s"), ports);

    case MARK_OUTBOUND:
      /* Translators: %s is a list of ports, such as “TCP 5222, TCP 5223”;
       * this computer only connects out on them */
      return g_strdup_printf (_("Outgoing only, nothing to forward: %s"), ports);

    case MARK_LAN:
      /* Translators: %s is a list of ports, such as “UDP 5353” */
      return g_strdup_printf (_("Home network only, never forwarded: %s"), ports);

    case N_MARKS:
    default:
      g_assert_not_reached ();
    }
}

static GtkWidget *
new_label (const char *text,
           const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (style_class != NULL)
    gtk_widget_add_css_class (label, style_class);

  return label;
}

static GtkWidget *
new_icon (const char *icon_name)
{
  /* The text next to it says the same: decoration for screen readers */
  return g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", icon_name,
                       "valign", GTK_ALIGN_START,
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       NULL);
}

/* @start beside @end, which takes the rest of the width. A grid, not a
 * box: a GTK 4.8 box misreports its height when a wrapping label sits
 * beside a smaller widget ("reports a minimum height of 16, but minimum
 * height for width … is 17") */
static GtkWidget *
new_icon_grid (GtkWidget *start,
               GtkWidget *end,
               int        spacing)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), (guint) spacing);
  gtk_widget_set_hexpand (end, TRUE);
  gtk_grid_attach (GTK_GRID (grid), start, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), end, 1, 0, 1, 1);

  return grid;
}

/* One line a mark: its icon, the mark in words and the ports; what each
 * port is for in the tooltip */
static void
add_port_lines (GtkBox              *box,
                const SesameService *service)
{
  GPtrArray *ports[N_MARKS] = { NULL };
  GPtrArray *purposes[N_MARKS] = { NULL };

  for (guint i = 0; i < service->ports->len; i++)
    {
      const SesameServicePort *port = g_ptr_array_index (service->ports, i);
      PortMark mark = port_mark (service, port);
      char *text = describe_port (port->protocol, &port->range);

      if (ports[mark] == NULL)
        {
          ports[mark] = g_ptr_array_new_null_terminated (4, g_free, TRUE);
          purposes[mark] = g_ptr_array_new_null_terminated (4, g_free, TRUE);
        }

      g_ptr_array_add (ports[mark], text);
      /* Translators: a port and what it is for, such as “TCP 80: Web pages without encryption” */
      g_ptr_array_add (purposes[mark], g_strdup_printf (C_("port and purpose", "%s: %s"),
                                                        text, _(port->purpose)));
    }

  for (guint mark = 0; mark < N_MARKS; mark++)
    {
      g_autofree char *list = NULL;
      g_autofree char *text = NULL;
      g_autofree char *tooltip = NULL;
      GtkWidget *line;

      if (ports[mark] == NULL)
        continue;

      /* Translators: between ports in a list, such as “TCP 80, UDP 443” */
      list = g_strjoinv (C_("list of ports", ", "), (char **) ports[mark]->pdata);
      text = format_mark (mark, list);
      tooltip = g_strjoinv ("\n", (char **) purposes[mark]->pdata);

      line = new_icon_grid (new_icon (mark_icon_name (mark)), new_label (text, NULL), 6);
      gtk_widget_set_tooltip_text (line, tooltip);
      gtk_box_append (box, line);

      g_ptr_array_unref (ports[mark]);
      g_ptr_array_unref (purposes[mark]);
    }
}

/* Risky services say why and what is safer; dangerous ones also that
 * Sesame does not forward them */
static GtkWidget *
new_risk_box (const SesameService *service)
{
  gboolean dangerous = service->risk == SESAME_RISK_DANGEROUS;
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *grid = new_icon_grid (new_icon ("dialog-warning-symbolic"), texts, 6);

  gtk_widget_add_css_class (grid, dangerous ? "error" : "warning");

  if (dangerous)
    gtk_box_append (GTK_BOX (texts),
                    new_label (_("Sesame will not forward this service: it is not safe on the internet."),
                               "heading"));
  if (service->risk_note != NULL)
    gtk_box_append (GTK_BOX (texts), new_label (_(service->risk_note), NULL));
  if (service->instead != NULL)
    gtk_box_append (GTK_BOX (texts), new_label (_(service->instead), NULL));

  return grid;
}

static void
on_service_toggled (GtkCheckButton     *check,
                    SesameServicesPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));

  if (self->syncing)
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      ServiceEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->check != check)
        continue;

      /* The plan's "changed" brings the rest of the page along */
      if (gtk_check_button_get_active (check))
        sesame_plan_add_service (plan, entry->service->id);
      else
        sesame_plan_remove_service (plan, entry->service->id);
      return;
    }
}

static void
on_service_row_activated (GtkListBox         *list,
                          GtkListBoxRow      *row,
                          SesameServicesPage *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      ServiceEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->row == GTK_WIDGET (row))
        {
          gtk_check_button_set_active (entry->check, !gtk_check_button_get_active (entry->check));
          return;
        }
    }
}

static ServiceEntry *
create_service_row (SesameServicesPage  *self,
                    const SesameService *service)
{
  ServiceEntry *entry = g_new0 (ServiceEntry, 1);
  const SesameCategory *category;
  g_autofree char *haystack = NULL;
  GtkWidget *content;
  GtkWidget *texts;

  entry->service = service;
  category = sesame_catalog_lookup_category (sesame_page_get_catalog (SESAME_PAGE (self)),
                                             service->category);
  haystack = g_strjoin ("\n",
                        service->name, _(service->name),
                        service->description, _(service->description),
                        category->name, _(category->name),
                        NULL);
  entry->haystack = fold (haystack);

  entry->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (entry->check), GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(service->name),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(service->description),
                                  -1);
  g_signal_connect_object (entry->check, "toggled",
                           G_CALLBACK (on_service_toggled), self, 0);

  texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (texts), new_label (_(service->name), NULL));
  gtk_box_append (GTK_BOX (texts), new_label (_(service->description), "dim-label"));
  add_port_lines (GTK_BOX (texts), service);
  if (service->risk != SESAME_RISK_NONE)
    gtk_box_append (GTK_BOX (texts), new_risk_box (service));

  content = new_icon_grid (GTK_WIDGET (entry->check), texts, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);

  /* A preferences row so that it has a title; the content is our own */
  entry->row = adw_preferences_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry->row), _(service->name));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (entry->row), TRUE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (entry->row), content);

  return entry;
}

static void
build_services (SesameServicesPage *self)
{
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  GPtrArray *categories = sesame_catalog_get_categories (catalog);
  GPtrArray *services = sesame_catalog_get_services (catalog);

  for (guint c = 0; c < categories->len; c++)
    {
      const SesameCategory *category = g_ptr_array_index (categories, c);
      CategoryEntry category_entry = { 0 };
      GtkWidget *list = NULL;

      for (guint s = 0; s < services->len; s++)
        {
          const SesameService *service = g_ptr_array_index (services, s);
          ServiceEntry *entry;

          if (g_strcmp0 (service->category, category->id) != 0)
            continue;

          if (list == NULL)
            {
              category_entry.group = adw_preferences_group_new ();
              adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (category_entry.group),
                                               _(category->name));
              list = gtk_list_box_new ();
              gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
              gtk_widget_add_css_class (list, "boxed-list");
              gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL, _(category->name),
                                              -1);
              g_signal_connect_object (list, "row-activated",
                                       G_CALLBACK (on_service_row_activated), self, 0);
              adw_preferences_group_add (ADW_PREFERENCES_GROUP (category_entry.group), list);
              gtk_box_append (self->services_box, category_entry.group);
              g_array_append_val (self->categories, category_entry);
            }

          entry = create_service_row (self, service);
          entry->category = self->categories->len - 1;
          gtk_list_box_append (GTK_LIST_BOX (list), entry->row);
          g_ptr_array_add (self->entries, entry);
        }
    }
}

/* Search */

static gboolean
entry_uses_ports (const ServiceEntry    *entry,
                  const SesamePortRange *range)
{
  for (guint i = 0; i < entry->service->ports->len; i++)
    {
      const SesameServicePort *port = g_ptr_array_index (entry->service->ports, i);

      if (sesame_port_range_overlaps (&port->range, range))
        return TRUE;
    }

  return FALSE;
}

/* Every word must match: a port or a range the services using it, other
 * words the names, descriptions and categories, in either language */
static gboolean
entry_matches (const ServiceEntry  *entry,
               char               **words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      SesamePortRange range;

      if (*words[i] == '\0')
        continue;

      if (sesame_port_range_parse (words[i], &range, NULL))
        {
          if (!entry_uses_ports (entry, &range))
            return FALSE;
        }
      else if (strstr (entry->haystack, words[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

static void
apply_search (SesameServicesPage *self)
{
  g_autofree char *query = fold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (query), " \t\n", -1);
  guint n_shown = 0;

  for (guint c = 0; c < self->categories->len; c++)
    g_array_index (self->categories, CategoryEntry, c).n_shown = 0;

  for (guint i = 0; i < self->entries->len; i++)
    {
      ServiceEntry *entry = g_ptr_array_index (self->entries, i);
      gboolean shown = entry_matches (entry, words);

      gtk_widget_set_visible (entry->row, shown);
      if (shown)
        {
          g_array_index (self->categories, CategoryEntry, entry->category).n_shown++;
          n_shown++;
        }
    }

  for (guint c = 0; c < self->categories->len; c++)
    {
      CategoryEntry *category = &g_array_index (self->categories, CategoryEntry, c);

      gtk_widget_set_visible (category->group, category->n_shown > 0);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), n_shown == 0);
}

static void
on_search_changed (SesameServicesPage *self)
{
  apply_search (self);
}

/* Enter in the search goes to the first service found */
static void
on_search_activate (SesameServicesPage *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      ServiceEntry *entry = g_ptr_array_index (self->entries, i);

      if (gtk_widget_get_visible (entry->row))
        {
          gtk_widget_grab_focus (entry->row);
          return;
        }
    }
}

static void
on_stop_search (SesameServicesPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Custom rules: conflicts and the form */

/* Why @protocol @external cannot be forwarded next to what the plan has,
 * or %NULL; @skip_rule is a rule not to compare with (-1 for none) */
static char *
find_conflict (SesameServicesPage    *self,
               SesameRuleProtocol     protocol,
               const SesamePortRange *external,
               int                    skip_rule)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  const char * const *services = sesame_plan_get_services (plan);
  GPtrArray *rules = sesame_plan_get_custom_rules (plan);

  for (guint i = 0; services[i] != NULL; i++)
    {
      const SesameService *service = sesame_catalog_lookup_service (catalog, services[i]);

      if (service == NULL)
        continue;

      for (guint p = 0; p < service->ports->len; p++)
        {
          const SesameServicePort *port = g_ptr_array_index (service->ports, p);
          g_autofree char *where = NULL;

          /* Connecting out does not keep anyone from forwarding the port */
          if (port->exposure == SESAME_EXPOSURE_OUTBOUND ||
              !rule_protocol_has (protocol, port->protocol) ||
              !sesame_port_range_overlaps (external, &port->range))
            continue;

          where = describe_port (port->protocol, &port->range);
          switch (port_mark (service, port))
            {
            case MARK_LAN:
              /* Translators: “UDP 5353 is kept on the home network for Bonjour / mDNS device discovery…” */
              return g_strdup_printf (_("%s is kept on the home network for %s, so it cannot be forwarded. Choose another port."),
                                      where, _(service->name));

            case MARK_NOT_FORWARDED:
              /* Translators: “TCP 445 belongs to Windows and Mac file sharing (SMB)…” */
              return g_strdup_printf (_("%s belongs to %s, which is not safe to open to the internet. Choose another port."),
                                      where, _(service->name));

            case MARK_FORWARDED:
            case MARK_OUTBOUND:
            case N_MARKS:
            default:
              /* Translators: “TCP 22 is already forwarded for Remote login (SSH and SFTP)…” */
              return g_strdup_printf (_("%s is already forwarded for %s. Choose another port, or untick %s."),
                                      where, _(service->name), _(service->name));
            }
        }
    }

  for (guint i = 0; i < rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *ports = NULL;

      if ((int) i == skip_rule ||
          !rule_protocols_meet (protocol, rule->protocol) ||
          !sesame_port_range_overlaps (external, &rule->external))
        continue;

      ports = sesame_port_range_to_string (&rule->external);
      /* Translators: “Your port “Game server” already uses UDP 27015-27016…”;
       * the first %s is the name the person gave, then the protocol and the ports */
      return g_strdup_printf (_("Your port “%s” already uses %s %s. Choose another port."),
                              rule->name, rule_protocol_label (rule->protocol), ports);
    }

  return NULL;
}

static gboolean
rule_name_taken (SesameServicesPage *self,
                 const char         *name)
{
  GPtrArray *rules = sesame_plan_get_custom_rules (sesame_page_get_plan (SESAME_PAGE (self)));
  g_autofree char *folded = fold (name);

  for (guint i = 0; i < rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *other = fold (rule->name);

      if (g_str_equal (folded, other))
        return TRUE;
    }

  return FALSE;
}

static char *
port_error_message (const GError *error,
                    const char   *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_assert (error != NULL);

  if (g_error_matches (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_EMPTY))
    return g_strdup (_("Enter a port, such as 8080, or a range, such as 8000-8010."));
  if (g_error_matches (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_OUT_OF_RANGE))
    /* Translators: %s is what the person typed, such as “70000” */
    return g_strdup_printf (_("“%s” is not a port: ports go from 1 to 65535."), stripped);
  if (g_error_matches (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_REVERSED))
    /* Translators: %s is what the person typed, such as “9000-8000” */
    return g_strdup_printf (_("“%s” is reversed: put the smaller port first, such as 8000-9000."), stripped);

  /* Translators: %s is what the person typed, such as “abc” */
  return g_strdup_printf (_("“%s” is not a port: use numbers only, such as 8080, or two numbers with a dash for a range, such as 8000-8010."),
                          stripped);
}

static void
show_field_error (AdwEntryRow *field,
                  GtkWidget   *error_row,
                  GtkLabel    *error_label,
                  const char  *message)
{
  gtk_widget_set_visible (error_row, message != NULL);

  if (message != NULL)
    {
      gtk_label_set_text (error_label, message);
      gtk_widget_add_css_class (GTK_WIDGET (field), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
    }
  else
    {
      gtk_label_set_text (error_label, "");
      gtk_widget_remove_css_class (GTK_WIDGET (field), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static SesameRuleProtocol
form_protocol (SesameServicesPage *self)
{
  guint selected = adw_combo_row_get_selected (self->protocol_row);

  return selected <= SESAME_RULE_PROTOCOL_BOTH ? (SesameRuleProtocol) selected
                                               : SESAME_RULE_PROTOCOL_TCP;
}

/* Checks the form, shows each field's problem next to it and enables Add
 * only when the rule can go into the plan; fills @rule (name excepted) then */
static gboolean
validate_form (SesameServicesPage *self,
               SesameCustomRule   *rule)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *stripped_name = g_strstrip (g_strdup (name));
  g_autofree char *stripped_internal = NULL;
  g_autofree char *stripped_external = NULL;
  const char *external_text = gtk_editable_get_text (GTK_EDITABLE (self->external_row));
  const char *internal_text = gtk_editable_get_text (GTK_EDITABLE (self->internal_row));
  SesameRuleProtocol protocol = form_protocol (self);
  g_autofree char *name_error = NULL;
  g_autofree char *external_error = NULL;
  g_autofree char *internal_error = NULL;
  g_autoptr(GError) error = NULL;
  SesamePortRange external = { 0 };
  SesamePortRange internal = { 0 };
  gboolean external_ok;
  gboolean ok = TRUE;

  if (!sesame_custom_rule_check_name (name, &error))
    {
      /* Only nag once they have started on the rule */
      if (self->name_touched || self->external_touched || self->internal_touched)
        name_error = sentence_case (error->message);
      g_clear_error (&error);
      ok = FALSE;
    }
  else if (rule_name_taken (self, stripped_name))
    {
      /* Translators: %s is the name the person typed for a port */
      name_error = g_strdup_printf (_("You already have a port called “%s”. Give this one another name."),
                                    stripped_name);
      ok = FALSE;
    }

  external_ok = sesame_port_range_parse (external_text, &external, &error);
  if (!external_ok)
    {
      if (self->name_touched || self->external_touched || self->internal_touched ||
          !g_error_matches (error, SESAME_PORT_RANGE_ERROR, SESAME_PORT_RANGE_ERROR_EMPTY))
        external_error = port_error_message (error, external_text);
      g_clear_error (&error);
      ok = FALSE;
    }
  else if ((external_error = find_conflict (self, protocol, &external, -1)) != NULL)
    ok = FALSE;

  stripped_internal = g_strstrip (g_strdup (internal_text));
  if (*stripped_internal == '\0')
    internal = external;
  else if (!sesame_port_range_parse (internal_text, &internal, &error))
    {
      internal_error = port_error_message (error, internal_text);
      g_clear_error (&error);
      ok = FALSE;
    }
  else if (external_ok &&
           sesame_port_range_count (&internal) != sesame_port_range_count (&external))
    {
      guint count = sesame_port_range_count (&external);

      if (count == 1)
        internal_error = g_strdup (_("The port above is a single port: give a single port here too."));
      else
        internal_error = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "The range above has %u port: give a range of as many ports here.",
                                                       "The range above has %u ports: give a range of as many ports here.",
                                                       count),
                                          count);
      ok = FALSE;
    }

  show_field_error (self->name_row, self->name_error_row, self->name_error_label, name_error);
  show_field_error (self->external_row, self->external_error_row, self->external_error_label, external_error);
  show_field_error (self->internal_row, self->internal_error_row, self->internal_error_label, internal_error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "services.add-rule", ok);

  stripped_external = g_strstrip (g_strdup (external_text));
  self->form_empty = *stripped_name == '\0' && *stripped_external == '\0' &&
                     *stripped_internal == '\0';
  self->form_valid = ok;

  if (ok && rule != NULL)
    {
      rule->protocol = protocol;
      rule->external = external;
      rule->internal = internal;
    }

  return ok;
}

static void
on_form_changed (SesameServicesPage *self,
                 GtkEditable        *editable)
{
  gboolean typed = *gtk_editable_get_text (editable) != '\0';

  if (editable == GTK_EDITABLE (self->name_row))
    self->name_touched |= typed;
  else if (editable == GTK_EDITABLE (self->external_row))
    self->external_touched |= typed;
  else if (editable == GTK_EDITABLE (self->internal_row))
    self->internal_touched |= typed;

  validate_form (self, NULL);
  update_summary (self);
}

static void
on_protocol_changed (SesameServicesPage *self)
{
  validate_form (self, NULL);
  update_summary (self);
}

static void
on_form_entry_activated (SesameServicesPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "services.add-rule", NULL);
}

/* Puts the form's port into the plan and empties the form; %FALSE when
 * the form holds no port that can be added */
static gboolean
add_form_rule (SesameServicesPage *self)
{
  g_autofree char *name = NULL;
  SesameCustomRule rule = { 0 };

  if (!validate_form (self, &rule))
    return FALSE;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  rule.name = name;
  sesame_plan_add_custom_rule (sesame_page_get_plan (SESAME_PAGE (self)), &rule);

  /* Ready for the next one; the protocol often stays the same */
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->external_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->internal_row), "");
  self->name_touched = self->external_touched = self->internal_touched = FALSE;
  validate_form (self, NULL);
  update_summary (self);

  return TRUE;
}

static void
add_rule_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SesameServicesPage *self = SESAME_SERVICES_PAGE (widget);

  if (add_form_rule (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
remove_rule_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SesameServicesPage *self = SESAME_SERVICES_PAGE (widget);
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  guint position = g_variant_get_uint32 (parameter);
  guint remaining;

  if (position >= sesame_plan_get_custom_rules (plan)->len)
    return;

  sesame_plan_remove_custom_rule (plan, position);

  /* The rows were built again: keep focus in the list, or go to the form */
  remaining = self->rule_rows->len;
  if (remaining > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->rule_rows, MIN (position, remaining - 1)));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

/* Following the plan */

static char *
describe_rule (const SesameCustomRule *rule)
{
  g_autofree char *external = sesame_port_range_to_string (&rule->external);
  g_autofree char *internal = sesame_port_range_to_string (&rule->internal);

  if (sesame_port_range_compare (&rule->external, &rule->internal) == 0)
    /* Translators: a protocol and ports, such as “UDP 27015-27016” */
    return g_strdup_printf (C_("protocol and ports", "%s %s"),
                            rule_protocol_label (rule->protocol), external);

  /* Translators: “TCP 8080, to port 80 on this computer” */
  return g_strdup_printf (_("%s %s, to port %s on this computer"),
                          rule_protocol_label (rule->protocol), external, internal);
}

static void
update_rules (SesameServicesPage *self)
{
  GPtrArray *rules = sesame_plan_get_custom_rules (sesame_page_get_plan (SESAME_PAGE (self)));

  for (guint i = 0; i < self->rule_rows->len; i++)
    adw_preferences_group_remove (self->custom_group, g_ptr_array_index (self->rule_rows, i));
  g_ptr_array_set_size (self->rule_rows, 0);

  for (guint i = 0; i < rules->len; i++)
    {
      const SesameCustomRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *ports = describe_rule (rule);
      g_autofree char *conflict = find_conflict (self, rule->protocol, &rule->external, (int) i);
      g_autofree char *remove_label = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rule->name);

      if (conflict != NULL)
        {
          g_autofree char *subtitle = g_strdup_printf ("%s\n%s", ports, conflict);
          GtkWidget *icon = new_icon ("dialog-warning-symbolic");

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          gtk_widget_add_css_class (row, "warning");
        }
      else
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ports);

      /* Translators: %s is the name the person gave a port */
      remove_label = g_strdup_printf (_("Remove “%s”"), rule->name);
      button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, remove_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "services.remove-rule");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (i));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      /* Not activatable: a click on the row must not remove the rule */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

      adw_preferences_group_add (self->custom_group, row);
      g_ptr_array_add (self->rule_rows, row);
    }
}

static void
update_summary (SesameServicesPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  guint n_services = g_strv_length ((char **) sesame_plan_get_services (plan));
  guint n_rules = sesame_plan_get_custom_rules (plan)->len;
  gboolean pending = !self->form_empty && self->form_valid;
  gboolean unfinished = !self->form_empty && !self->form_valid;
  g_autofree char *text = NULL;

  /* Under the form, where the person is when they reach for Next */
  if (unfinished)
    gtk_label_set_text (self->form_status_label,
                        _("This port is not complete yet, so Next stays off. Fix what is marked above, add the port, or empty its fields to go on without it."));
  else if (pending)
    gtk_label_set_text (self->form_status_label,
                        _("Next adds this port to your plan, as Add Port does."));
  gtk_widget_set_visible (GTK_WIDGET (self->form_status_label), pending || unfinished);
  if (unfinished)
    gtk_widget_add_css_class (GTK_WIDGET (self->form_status_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->form_status_label), "warning");

  if (n_services > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u service selected.",
                                         "%u services selected.",
                                         n_services),
                            n_services);
  else if (n_rules > 0 || pending)
    text = g_strdup (_("No services selected: only the ports under Other Ports will be forwarded."));
  else
    text = g_strdup (_("Nothing selected yet. Tick at least one service, or add a port under Other Ports, to go on."));

  gtk_label_set_text (self->summary_label, text);
  sesame_page_set_complete (SESAME_PAGE (self),
                            !unfinished && (n_services > 0 || n_rules > 0 || pending));
}

static void
update_from_plan (SesameServicesPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));

  self->syncing = TRUE;
  for (guint i = 0; i < self->entries->len; i++)
    {
      ServiceEntry *entry = g_ptr_array_index (self->entries, i);

      gtk_check_button_set_active (entry->check, sesame_plan_has_service (plan, entry->service->id));
    }
  self->syncing = FALSE;

  update_rules (self);
  validate_form (self, NULL);
  update_summary (self);
}

static void
sesame_services_page_shown (SesamePage *page)
{
  SesameServicesPage *self = SESAME_SERVICES_PAGE (page);

  self->going_back = FALSE;
  update_from_plan (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
sesame_services_page_back (SesamePage *page)
{
  /* The form stays filled in for when they come back */
  SESAME_SERVICES_PAGE (page)->going_back = TRUE;
}

/* Next with a port typed in but not added: it is added, as Add would. The
 * window closing keeps it too; only going back leaves it in the form. */
static void
sesame_services_page_leave (SesamePage *page)
{
  SesameServicesPage *self = SESAME_SERVICES_PAGE (page);

  if (!self->going_back)
    add_form_rule (self);
  self->going_back = FALSE;
}

static void
sesame_services_page_constructed (GObject *object)
{
  SesameServicesPage *self = SESAME_SERVICES_PAGE (object);

  G_OBJECT_CLASS (sesame_services_page_parent_class)->constructed (object);

  build_services (self);
  g_signal_connect_object (sesame_page_get_plan (SESAME_PAGE (self)), "changed",
                           G_CALLBACK (update_from_plan), self,
                           G_CONNECT_SWAPPED);
  update_from_plan (self);
}

static void
sesame_services_page_dispose (GObject *object)
{
  SesameServicesPage *self = SESAME_SERVICES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_SERVICES_PAGE);

  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->categories, g_array_unref);

  G_OBJECT_CLASS (sesame_services_page_parent_class)->dispose (object);
}

static void
sesame_services_page_class_init (SesameServicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_services_page_constructed;
  object_class->dispose = sesame_services_page_dispose;

  page_class->shown = sesame_services_page_shown;
  page_class->back = sesame_services_page_back;
  page_class->leave = sesame_services_page_leave;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-services-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, services_box);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, custom_group);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, name_error_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, protocol_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, external_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, external_error_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, external_error_label);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, internal_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, internal_error_row);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, internal_error_label);
  gtk_widget_class_bind_template_child (widget_class, SesameServicesPage, form_status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_protocol_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_form_entry_activated);

  gtk_widget_class_install_action (widget_class, "services.add-rule", NULL, add_rule_activated);
  gtk_widget_class_install_action (widget_class, "services.remove-rule", "u", remove_rule_activated);
}

static void
sesame_services_page_init (SesameServicesPage *self)
{
  self->categories = g_array_new (FALSE, TRUE, sizeof (CategoryEntry));
  self->entries = g_ptr_array_new_with_free_func (service_entry_free);
  self->rule_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
