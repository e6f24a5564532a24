/* sesame-preferences-window.c
 *
 * The probe servers and the checklist language, straight into GSettings.
 * What people type is checked as they apply it, with the reason shown
 * under the field; a bad value never reaches the settings. While a
 * reflector of one's own is set, it stands for the three kinds of server
 * (SesameApplication reads it so), and their groups are shown greyed out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-preferences-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-gui.h"
#include "sesame-preferences-window.h"
#include "sesame-probe-session.h"
#include "sesame-reflector-servers.h"

struct _SesamePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  GtkSwitch            *internet_switch;
  AdwComboRow          *language_row;
  AdwEntryRow          *reflector_entry;
  GtkLabel             *reflector_error;
  AdwPreferencesGroup  *stun_group;
  AdwEntryRow          *stun_entry;
  GtkLabel             *stun_error;
  AdwPreferencesGroup  *ip_group;
  AdwEntryRow          *ip_entry;
  GtkLabel             *ip_error;
  AdwPreferencesGroup  *check_group;
  AdwEntryRow          *check_entry;
  GtkLabel             *check_error;

  GSettings            *settings;
  GPtrArray            *stun_rows;   /* element-type GtkWidget: unowned, in stun_group */
  GPtrArray            *ip_rows;     /* element-type GtkWidget: unowned, in ip_group */
};

G_DEFINE_FINAL_TYPE (SesamePreferencesWindow, sesame_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo's rows, in the order of the setting's nicks */
static const char * const language_nicks[] = { "desktop", "en", "ja" };

static void
show_error (GtkLabel     *label,
            GtkWidget    *entry,
            const GError *error)
{
  gtk_label_set_label (label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
  if (error != NULL)
    gtk_widget_add_css_class (entry, "error");
  else
    gtk_widget_remove_css_class (entry, "error");
}

static void
remove_clicked (GtkButton               *button,
                SesamePreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "sesame-key");
  const char *value = g_object_get_data (G_OBJECT (button), "sesame-value");
  g_auto(GStrv) values = g_settings_get_strv (self->settings, key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; values[i] != NULL; i++)
    if (!g_str_equal (values[i], value))
      g_strv_builder_add (builder, values[i]);

  kept = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, key, (const char * const *) kept);
}

static void
rebuild_list (SesamePreferencesWindow *self,
              const char              *key)
{
  gboolean stun = g_str_equal (key, "stun-servers");
  AdwPreferencesGroup *group = stun ? self->stun_group : self->ip_group;
  GPtrArray *rows = stun ? self->stun_rows : self->ip_rows;
  g_auto(GStrv) values = g_settings_get_strv (self->settings, key);

  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);

  for (guint i = 0; values[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      /* Translators: the accessible name of a button; %s is a server */
      g_autofree char *label = g_strdup_printf (_("Remove %s"), values[i]);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), values[i]);
      if (stun && i == 0)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Asked first; tells the NAT type"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "sesame-key", g_strdup (key), g_free);
      g_object_set_data_full (G_OBJECT (button), "sesame-value", g_strdup (values[i]), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (group, row);
      g_ptr_array_add (rows, row);
    }
}

static void
on_settings_changed (SesamePreferencesWindow *self,
                     const char              *key)
{
  if (g_str_equal (key, "stun-servers") || g_str_equal (key, "ip-urls"))
    rebuild_list (self, key);
  else if (g_str_equal (key, "reflector"))
    {
      g_autofree char *value = g_settings_get_string (self->settings, "reflector");
      gboolean own = *value != '\0';

      gtk_editable_set_text (GTK_EDITABLE (self->reflector_entry), value);
      gtk_widget_set_sensitive (GTK_WIDGET (self->stun_group), !own);
      gtk_widget_set_sensitive (GTK_WIDGET (self->ip_group), !own);
      gtk_widget_set_sensitive (GTK_WIDGET (self->check_group), !own);
    }
  else if (g_str_equal (key, "check-url"))
    {
      g_autofree char *value = g_settings_get_string (self->settings, "check-url");

      gtk_editable_set_text (GTK_EDITABLE (self->check_entry), value);
    }
  else if (g_str_equal (key, "report-language"))
    {
      g_autofree char *value = g_settings_get_string (self->settings, "report-language");

      for (guint i = 0; i < G_N_ELEMENTS (language_nicks); i++)
        if (g_str_equal (value, language_nicks[i]))
          adw_combo_row_set_selected (self->language_row, i);
    }
}

static void
append_value (SesamePreferencesWindow *self,
              const char              *key,
              const char              *value)
{
  g_auto(GStrv) values = g_settings_get_strv (self->settings, key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) now = NULL;

  if (g_strv_contains ((const char * const *) values, value))
    return;

  g_strv_builder_addv (builder, (const char **) values);
  g_strv_builder_add (builder, value);
  now = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, key, (const char * const *) now);
}

static void
stun_applied (SesamePreferencesWindow *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->stun_entry))));
  g_autoptr(GError) error = NULL;

  if (sesame_probe_session_check_stun_server (value, &error))
    {
      append_value (self, "stun-servers", value);
      gtk_editable_set_text (GTK_EDITABLE (self->stun_entry), "");
    }
  show_error (self->stun_error, GTK_WIDGET (self->stun_entry), error);
}

static void
ip_applied (SesamePreferencesWindow *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ip_entry))));
  g_autoptr(GError) error = NULL;

  if (sesame_probe_session_check_ip_url (value, &error))
    {
      append_value (self, "ip-urls", value);
      gtk_editable_set_text (GTK_EDITABLE (self->ip_entry), "");
    }
  show_error (self->ip_error, GTK_WIDGET (self->ip_entry), error);
}

static void
check_applied (SesamePreferencesWindow *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->check_entry))));
  g_autoptr(GError) error = NULL;

  if (sesame_probe_session_check_check_url (value, &error))
    g_settings_set_string (self->settings, "check-url", value);
  show_error (self->check_error, GTK_WIDGET (self->check_entry), error);
}

/* Empty clears it */
static void
reflector_applied (SesamePreferencesWindow *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reflector_entry))));
  g_autoptr(SesameReflectorServers) servers = NULL;
  g_autoptr(GError) error = NULL;

  if (*value == '\0' || (servers = sesame_reflector_servers_new (value, &error)) != NULL)
    g_settings_set_string (self->settings, "reflector", value);
  show_error (self->reflector_error, GTK_WIDGET (self->reflector_entry), error);
}

static void
language_selected (SesamePreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->language_row);

  if (selected < G_N_ELEMENTS (language_nicks))
    g_settings_set_string (self->settings, "report-language", language_nicks[selected]);
}

static void
reset_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SesamePreferencesWindow *self = SESAME_PREFERENCES_WINDOW (widget);
  static const char * const keys[] = {
    "contact-internet", "reflector", "stun-servers", "ip-urls", "check-url", "report-language",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (self->settings, keys[i]);

  show_error (self->reflector_error, GTK_WIDGET (self->reflector_entry), NULL);
  show_error (self->stun_error, GTK_WIDGET (self->stun_entry), NULL);
  show_error (self->ip_error, GTK_WIDGET (self->ip_entry), NULL);
  show_error (self->check_error, GTK_WIDGET (self->check_entry), NULL);
}

static void
sesame_preferences_window_dispose (GObject *object)
{
  SesamePreferencesWindow *self = SESAME_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SESAME_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->stun_rows, g_ptr_array_unref);
  g_clear_pointer (&self->ip_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_preferences_window_parent_class)->dispose (object);
}

static void
sesame_preferences_window_class_init (SesamePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  sesame_gui_ensure_resources ();

  object_class->dispose = sesame_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, internet_switch);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, reflector_entry);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, reflector_error);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, stun_group);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, stun_entry);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, stun_error);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, ip_group);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, ip_entry);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, ip_error);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, check_group);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, check_entry);
  gtk_widget_class_bind_template_child (widget_class, SesamePreferencesWindow, check_error);

  gtk_widget_class_install_action (widget_class, "preferences.reset", NULL, reset_activated);
}

static void
sesame_preferences_window_init (SesamePreferencesWindow *self)
{
  g_autoptr(GtkStringList) languages = NULL;

  self->stun_rows = g_ptr_array_new ();
  self->ip_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* In the order of language_nicks */
  languages = gtk_string_list_new (NULL);
  gtk_string_list_append (languages, _("Same as the desktop"));
  gtk_string_list_append (languages, _("English"));
  gtk_string_list_append (languages, _("Japanese"));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (languages));

  g_signal_connect_swapped (self->reflector_entry, "apply", G_CALLBACK (reflector_applied), self);
  g_signal_connect_swapped (self->reflector_entry, "entry-activated", G_CALLBACK (reflector_applied), self);
  g_signal_connect_swapped (self->stun_entry, "apply", G_CALLBACK (stun_applied), self);
  g_signal_connect_swapped (self->ip_entry, "apply", G_CALLBACK (ip_applied), self);
  g_signal_connect_swapped (self->check_entry, "apply", G_CALLBACK (check_applied), self);
  g_signal_connect_swapped (self->stun_entry, "entry-activated", G_CALLBACK (stun_applied), self);
  g_signal_connect_swapped (self->ip_entry, "entry-activated", G_CALLBACK (ip_applied), self);
  g_signal_connect_swapped (self->check_entry, "entry-activated", G_CALLBACK (check_applied), self);
}

/**
 * sesame_preferences_window_new:
 * @settings: the application's settings
 *
 * Returns: (transfer floating): a preferences window editing @settings
 */
GtkWidget *
sesame_preferences_window_new (GSettings *settings)
{
  SesamePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SESAME_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "contact-internet", self->internet_switch, "active", G_SETTINGS_BIND_DEFAULT);
  rebuild_list (self, "stun-servers");
  rebuild_list (self, "ip-urls");
  on_settings_changed (self, "check-url");
  on_settings_changed (self, "reflector");
  on_settings_changed (self, "report-language");
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->language_row, "notify::selected", G_CALLBACK (language_selected), self);

  return GTK_WIDGET (self);
}
