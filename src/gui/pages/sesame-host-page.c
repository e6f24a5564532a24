/* sesame-host-page.c
 *
 * The computer that serves: its name, system and the address the router
 * forwards to. The addresses of this computer's connected interfaces are
 * offered as rows, another may be typed (checked as typed, with the reason
 * beside the field), and a fixed address outside the router's DHCP range
 * is proposed from what the checks know of the network, as advice to copy
 * on the server's own network.
 *
 * Over 1,000 lines because the address rows, the typed address and the
 * fixed-address advice all read the same network facts; they would need
 * one more shared private header to split.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-host-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-gui.h"
#include "sesame-host-page.h"
#include "sesame-translation.h"
#include "sesame-window.h"

/* An address of this computer the person may choose */
typedef struct
{
  char     *address;     /* "192.168.11.5" */
  char     *interface;   /* "eth0" */
  guint     prefix;
  gboolean  local;       /* the one this computer reaches the internet from */
} Choice;

/* What is known of the router's network */
typedef struct
{
  gboolean has_subnet;
  guint32  network;
  guint    prefix;
  gboolean has_router;
  guint32  router;
} Network;

struct _SesameHostPage
{
  SesamePage           parent_instance;

  /* template widgets */
  AdwPreferencesGroup *addresses_group;
  AdwActionRow        *status_row;
  GtkSpinner          *status_spinner;
  GtkImage            *status_icon;
  AdwEntryRow         *manual_row;
  GtkCheckButton      *manual_check;
  GtkImage            *manual_error_icon;
  GtkRevealer         *manual_error_revealer;
  GtkLabel            *manual_error_label;
  AdwComboRow         *os_row;
  AdwEntryRow         *name_row;
  GtkImage            *name_error_icon;
  GtkRevealer         *name_error_revealer;
  GtkLabel            *name_error_label;
  AdwPreferencesGroup *fixed_group;
  AdwActionRow        *reservation_row;
  AdwActionRow        *by_hand_row;
  GtkButton           *use_button;
  GtkCheckButton      *no_choice;       /* owned, never shown: the radio group's "nothing chosen" */

  GPtrArray           *choices;         /* element-type Choice */
  GPtrArray           *choice_rows;     /* element-type AdwActionRow, parallel to choices; owned by the group */
  GPtrArray           *choice_checks;   /* element-type GtkCheckButton, parallel to choices */
  char                *choices_key;     /* nullable: what the rows show, to rebuild only on change */
  char                *suggested;       /* nullable: the fixed address the advice proposes */
  char                *synced_address;  /* nullable: the plan's host address as last read or written */
  char                *synced_name;     /* nullable: the plan's host name as last read or written */
  SesameHostOs         detected_os;
  gboolean             os_detected;     /* detected_os was preselected for a new plan */
  gboolean             was_shown;
  gboolean             syncing;         /* the page is writing its own widgets */
};

G_DEFINE_FINAL_TYPE (SesameHostPage, sesame_host_page, SESAME_TYPE_PAGE)

static void update_page (SesameHostPage *self);

static void
choice_free (gpointer data)
{
  Choice *choice = data;

  g_free (choice->address);
  g_free (choice->interface);
  g_free (choice);
}

static guint32
prefix_mask (guint prefix)
{
  g_assert (prefix <= 32);

  return prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);
}

/* "192.168.11.5/24" */
static gboolean
parse_cidr (const char *text,
            guint32    *address,
            guint      *prefix)
{
  g_autofree char *copy = NULL;
  char *slash;
  guint64 value;

  if (text == NULL || (slash = strchr (text, '/')) == NULL)
    return FALSE;

  copy = g_strndup (text, slash - text);
  if (!sesame_ipv4_parse (copy, address))
    return FALSE;

  if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, 32, &value, NULL))
    return FALSE;

  *prefix = (guint) value;
  return TRUE;
}

/* The firewall this computer would use: the plan's systems are named by it */
static SesameHostOs
detect_host_os (void)
{
#if defined(G_OS_WIN32)
  return SESAME_HOST_OS_WINDOWS;
#elif defined(__APPLE__)
  return SESAME_HOST_OS_MACOS;
#else
  g_autofree char *firewall_cmd = NULL;

  if (g_file_test ("/usr/sbin/ufw", G_FILE_TEST_EXISTS))
    return SESAME_HOST_OS_LINUX_UFW;

  firewall_cmd = g_find_program_in_path ("firewall-cmd");
  if (firewall_cmd != NULL)
    return SESAME_HOST_OS_LINUX_FIREWALLD;

  return SESAME_HOST_OS_LINUX_NFTABLES;
#endif
}

static gboolean
check_name (const char  *name,
            char       **message)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (*stripped == '\0')
    {
      *message = g_strdup (_("Give the server a name, such as “Mac mini” or “NAS”."));
      return FALSE;
    }

  if (g_utf8_strlen (stripped, -1) > SESAME_PLAN_MAX_NAME_LENGTH)
    {
      *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "The name is longer than %d character.",
                                               "The name is longer than %d characters.",
                                               SESAME_PLAN_MAX_NAME_LENGTH),
                                  SESAME_PLAN_MAX_NAME_LENGTH);
      return FALSE;
    }

  for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          *message = g_strdup (_("The name must not contain line breaks or tabs."));
          return FALSE;
        }
    }

  *message = NULL;
  return TRUE;
}

static void
get_network (SesameHostPage *self,
             Network        *network)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const SesameProbeReport *report = sesame_probe_session_get_report (sesame_page_get_session (SESAME_PAGE (self)));
  guint32 address;
  guint prefix;

  memset (network, 0, sizeof *network);

  if (sesame_ipv4_parse (sesame_plan_get_router_address (plan), &network->router) ||
      (report != NULL && sesame_ipv4_parse (report->gateway, &network->router)))
    network->has_router = TRUE;

  /* This computer's network is the router's unless the plan says otherwise,
   * for example when the plan is made away from home */
  if (report != NULL && parse_cidr (report->subnet, &address, &prefix) &&
      (!network->has_router || sesame_ipv4_same_subnet (network->router, address, prefix)))
    {
      network->has_subnet = TRUE;
      network->network = address & prefix_mask (prefix);
      network->prefix = prefix;
    }
}

/* Whether @text may be the server's address; else why not, in a sentence */
static gboolean
check_address (SesameHostPage  *self,
               const char      *text,
               char           **message)
{
  Network network;
  guint32 address;

  if (!sesame_ipv4_parse (text, &address))
    {
      *message = g_strdup (_("This is not an address. Enter four numbers from 0 to 255 separated by dots, such as 192.168.11.20."));
      return FALSE;
    }

  switch (sesame_ipv4_classify (address))
    {
    case SESAME_IPV4_PRIVATE:
      break;

    case SESAME_IPV4_LOOPBACK:
      /* Translators: %s is an address such as 127.0.0.1 */
      *message = g_strdup_printf (_("%s is the address every computer uses to reach itself. Enter the server’s address on your home network."),
                                  text);
      return FALSE;

    case SESAME_IPV4_LINK_LOCAL:
      /* Translators: %s is an address such as 169.254.10.20 */
      *message = g_strdup_printf (_("%s is an address a computer gives itself when the router does not answer. Enter the address the router gave the server."),
                                  text);
      return FALSE;

    case SESAME_IPV4_PUBLIC:
    case SESAME_IPV4_SHARED:
    case SESAME_IPV4_UNSPECIFIED:
    case SESAME_IPV4_MULTICAST:
    case SESAME_IPV4_RESERVED:
    default:
      /* Translators: %s is an address such as 8.8.8.8 */
      *message = g_strdup_printf (_("%s is not an address on a home network. Addresses at home start with 192.168., 10. or 172.16. to 172.31."),
                                  text);
      return FALSE;
    }

  get_network (self, &network);

  if (network.has_router && address == network.router)
    {
      /* Translators: %s is an address such as 192.168.11.1 */
      *message = g_strdup_printf (_("%s is the router’s own address. Enter the address of the computer that serves."),
                                  text);
      return FALSE;
    }

  if (network.has_subnet && network.prefix < 31)
    {
      guint32 broadcast = network.network | ~prefix_mask (network.prefix);

      if (!sesame_ipv4_same_subnet (address, network.network, network.prefix))
        {
          g_autofree char *first = sesame_ipv4_to_string (network.network + 1);
          g_autofree char *last = sesame_ipv4_to_string (broadcast - 1);

          /* Translators: "192.168.1.20 is not on the same network as your
           * router: its computers have addresses from 192.168.11.1 to 192.168.11.254." */
          *message = g_strdup_printf (_("%s is not on the same network as your router: its computers have addresses from %s to %s."),
                                      text, first, last);
          return FALSE;
        }

      if (address == network.network || address == broadcast)
        {
          /* Translators: %s is an address such as 192.168.11.255 */
          *message = g_strdup_printf (_("%s is reserved for the network itself and cannot belong to a computer."),
                                      text);
          return FALSE;
        }
    }

  *message = NULL;
  return TRUE;
}

/* The address the person chose and may go on with, if any */
static const char *
current_address (SesameHostPage *self)
{
  if (gtk_check_button_get_active (self->manual_check))
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->manual_row));
      g_autofree char *message = NULL;

      return check_address (self, text, &message) ? text : NULL;
    }

  for (guint i = 0; i < self->choice_checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->choice_checks, i)))
      return ((Choice *) g_ptr_array_index (self->choices, i))->address;

  return NULL;
}

static void
write_address (SesameHostPage *self,
               const char     *address)
{
  g_autofree char *copy = g_strdup (address);

  sesame_plan_set_host_address (sesame_page_get_plan (SESAME_PAGE (self)), copy);
  g_free (self->synced_address);
  self->synced_address = g_steal_pointer (&copy);
}

/* An error (or a hint) next to an entry row, also for screen readers */
static void
show_field_message (AdwEntryRow *row,
                    GtkImage    *icon,
                    GtkRevealer *revealer,
                    GtkLabel    *label,
                    const char  *message,
                    gboolean     is_error)
{
  GtkAccessible *text = GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (row)));

  if (message != NULL)
    gtk_label_set_text (label, message);
  gtk_revealer_set_reveal_child (revealer, message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (icon), message != NULL && is_error);

  if (is_error && message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
    }

  gtk_accessible_update_state (text,
                               GTK_ACCESSIBLE_STATE_INVALID,
                               is_error && message != NULL ? GTK_ACCESSIBLE_INVALID_TRUE
                                                           : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  if (message != NULL)
    gtk_accessible_update_property (text, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else
    gtk_accessible_reset_property (text, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
update_manual_message (SesameHostPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->manual_row));
  g_autofree char *message = NULL;
  gboolean valid = check_address (self, text, &message);

  if (!gtk_check_button_get_active (self->manual_check) || valid)
    show_field_message (self->manual_row, self->manual_error_icon, self->manual_error_revealer,
                        self->manual_error_label, NULL, FALSE);
  else if (*text == '\0')
    show_field_message (self->manual_row, self->manual_error_icon, self->manual_error_revealer,
                        self->manual_error_label,
                        _("Enter the address of the computer that serves, such as 192.168.11.20."),
                        FALSE);
  else
    show_field_message (self->manual_row, self->manual_error_icon, self->manual_error_revealer,
                        self->manual_error_label, message, TRUE);
}

static gboolean
update_name_message (SesameHostPage *self)
{
  g_autofree char *message = NULL;
  gboolean valid = check_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), &message);

  show_field_message (self->name_row, self->name_error_icon, self->name_error_revealer,
                      self->name_error_label, message, TRUE);

  return valid;
}

static void
update_os_subtitle (SesameHostPage *self)
{
  SesameHostOs os = sesame_plan_get_host_os (sesame_page_get_plan (SESAME_PAGE (self)));

  /* Short: the row's value needs the room */
  if (self->os_detected && os == self->detected_os && gtk_check_button_get_active (self->manual_check))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row),
                                 _("Found on this computer; choose the server’s"));
  else if (self->os_detected && os == self->detected_os)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row),
                                 _("Found on this computer; decides the firewall steps"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row),
                                 _("Decides the firewall steps in the checklist"));
}

static void
update_status (SesameHostPage *self)
{
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));
  gboolean running = sesame_probe_session_get_running (session);

  gtk_widget_set_visible (GTK_WIDGET (self->status_row), self->choices->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), running);
  gtk_spinner_set_spinning (self->status_spinner, running && self->choices->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), !running);

  if (running)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                     _("Looking for This Computer’s Addresses…"));
      adw_action_row_set_subtitle (self->status_row, NULL);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                     _("No Home-Network Address Found"));
      adw_action_row_set_subtitle (self->status_row,
                                   _("This computer does not seem to be connected to a home network. If another computer serves, enter its address below."));
    }
}

/* A free address to set by hand in @network/@prefix, high in the range
 * where routers rarely hand addresses out (.200 in a /24); 0 when none */
static guint32
propose_address (guint32 network,
                 guint   prefix,
                 guint32 avoid1,
                 guint32 avoid2)
{
  guint32 size;
  guint32 start;

  if (prefix < 1 || prefix > 30)
    return 0;

  size = (guint32) 1 << (32 - prefix);
  start = size >= 256 ? 200 : size * 3 / 4;

  for (guint32 offset = start; offset + 1 < size; offset++)
    if (network + offset != avoid1 && network + offset != avoid2)
      return network + offset;

  for (guint32 offset = start - 1; offset >= 1; offset--)
    if (network + offset != avoid1 && network + offset != avoid2)
      return network + offset;

  return 0;
}

static void
update_reservation (SesameHostPage *self,
                    const char     *address)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  const SesameRouter *router = sesame_catalog_lookup_router (catalog, sesame_plan_get_router_id (plan));
  /* The router's own words, in the language of the interface */
  const char *language = sesame_translation_get_default_language ();
  const char * const *path = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;
  const char *page;

  if (router != NULL)
    path = sesame_router_get_reservation_path (router, language);

  gtk_widget_set_visible (GTK_WIDGET (self->reservation_row), path != NULL);
  if (path == NULL)
    return;

  page = sesame_text_get (&router->reservation_page, language);
  joined = g_strjoinv (" > ", (char **) path);

  if (g_strcmp0 (router->id, "generic") == 0)
    /* Translators: "In your router’s settings, open “DHCP reservation” (LAN or DHCP settings > DHCP reservation) and reserve 192.168.1.20 for the server." */
    text = g_strdup_printf (_("In your router’s settings, open “%s” (%s) and reserve %s for the server."),
                            page, joined, address);
  else
    {
      g_autofree char *name = sesame_gui_dup_router_name (router);

      /* Translators: "On your Apple AirPort Extreme, open “DHCP Reservations” (AirPort Utility > Network > DHCP Reservations) and reserve 10.0.1.5 for the server." */
      text = g_strdup_printf (_("On your %s, open “%s” (%s) and reserve %s for the server."),
                              name, page, joined, address);
    }

  if (sesame_router_is_uncertain (router, "reservation_page") ||
      sesame_router_is_uncertain (router, "reservation_menu_path"))
    {
      g_autofree char *with_note =
        g_strconcat (text, "\n",
                     _("Sesame could not confirm this menu for every firmware version, so the names may differ slightly on yours."),
                     NULL);

      g_free (text);
      text = g_steal_pointer (&with_note);
    }

  adw_action_row_set_subtitle (self->reservation_row, text);
}

static void
update_by_hand (SesameHostPage *self,
                const char     *address)
{
  Network network;
  guint32 host;
  guint32 subnet;
  guint prefix = 24;
  gboolean prefix_known = FALSE;
  guint32 first;
  guint32 proposal;
  g_autofree char *mask = NULL;
  g_autofree char *router = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *text = NULL;

  g_clear_pointer (&self->suggested, g_free);

  if (!sesame_ipv4_parse (address, &host))
    g_assert_not_reached ();

  /* The router's network when this address is on it, else the network of
   * the interface it was found on; most home networks are /24 otherwise,
   * good enough for an example but not for a setting to type in */
  get_network (self, &network);
  if (network.has_subnet && sesame_ipv4_same_subnet (host, network.network, network.prefix))
    {
      prefix = network.prefix;
      prefix_known = TRUE;
    }
  else
    {
      for (guint i = 0; i < self->choices->len; i++)
        {
          const Choice *choice = g_ptr_array_index (self->choices, i);

          if (g_str_equal (choice->address, address))
            {
              prefix = choice->prefix;
              prefix_known = TRUE;
            }
        }
    }
  subnet = host & prefix_mask (prefix);
  mask = sesame_ipv4_to_string (prefix_mask (prefix));
  if (network.has_router)
    router = sesame_ipv4_to_string (network.router);

  /* The person has taken the proposal already */
  first = propose_address (subnet, prefix, network.router, network.router);
  proposal = first == host ? 0 : propose_address (subnet, prefix, network.router, host);

  if (first == host)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->by_hand_row),
                                     _("Set It by Hand on the Server"));
      /* Translators: %s is an address such as 192.168.11.200 */
      text = g_strdup_printf (_("In the server’s network settings, set the address %s by hand. Check in the router’s DHCP settings that it lies outside the range the router hands out."),
                              address);
    }
  else if (proposal != 0)
    {
      g_autofree char *proposed = sesame_ipv4_to_string (proposal);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->by_hand_row),
                                     gtk_widget_get_visible (GTK_WIDGET (self->reservation_row))
                                       ? _("Or Set It by Hand on the Server")
                                       : _("Set It by Hand on the Server"));
      /* Translators: %s is an address such as 192.168.11.200 */
      text = g_strdup_printf (_("Routers hand out addresses from a range, often the lower numbers. Give the server an address outside that range in its network settings, such as %s, and use that address here. The router’s DHCP settings show the range."),
                              proposed);
      self->suggested = g_steal_pointer (&proposed);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->by_hand_row),
                                     _("Set It by Hand on the Server"));
      text = g_strdup (_("Give the server an address by hand in its network settings, outside the range of addresses the router hands out, and use that address here."));
    }

  if (prefix_known && router != NULL)
    /* Translators: the settings to type in on the server, "Subnet mask 255.255.255.0, router 192.168.11.1" */
    settings = g_strdup_printf (_("Subnet mask %s, router %s"), mask, router);
  else if (prefix_known)
    /* Translators: the setting to type in on the server, "Subnet mask 255.255.255.0" */
    settings = g_strdup_printf (_("Subnet mask %s"), mask);

  if (settings != NULL)
    {
      g_autofree char *with_settings = g_strconcat (text, "\n", settings, NULL);

      adw_action_row_set_subtitle (self->by_hand_row, with_settings);
    }
  else
    adw_action_row_set_subtitle (self->by_hand_row, text);

  gtk_widget_set_visible (GTK_WIDGET (self->use_button), self->suggested != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.copy-suggested", self->suggested != NULL);
}

static void
update_advice (SesameHostPage *self)
{
  const char *address = current_address (self);

  gtk_widget_set_visible (GTK_WIDGET (self->fixed_group), address != NULL);
  if (address == NULL)
    {
      g_clear_pointer (&self->suggested, g_free);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.copy-suggested", FALSE);
      return;
    }

  update_reservation (self, address);
  update_by_hand (self, address);
}

static void
update_page (SesameHostPage *self)
{
  gboolean address_ok;
  gboolean name_ok;

  update_manual_message (self);
  address_ok = current_address (self) != NULL;
  name_ok = update_name_message (self);
  update_advice (self);
  update_os_subtitle (self);

  sesame_page_set_complete (SESAME_PAGE (self), address_ok && name_ok);
}

static void
on_choice_toggled (SesameHostPage *self,
                   GtkCheckButton *check)
{
  guint index;

  if (self->syncing || !gtk_check_button_get_active (check))
    return;

  if (g_ptr_array_find (self->choice_checks, check, &index))
    write_address (self, ((Choice *) g_ptr_array_index (self->choices, index))->address);

  update_page (self);
}

static void
apply_manual (SesameHostPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->manual_row));
  g_autofree char *message = NULL;

  if (gtk_check_button_get_active (self->manual_check) && check_address (self, text, &message))
    write_address (self, text);

  update_page (self);
}

static void
on_manual_toggled (SesameHostPage *self)
{
  if (self->syncing)
    return;

  apply_manual (self);
}

static void
on_manual_changed (SesameHostPage *self)
{
  if (self->syncing)
    return;

  /* Typing an address chooses it; toggled applies it */
  if (!gtk_check_button_get_active (self->manual_check))
    gtk_check_button_set_active (self->manual_check, TRUE);
  else
    apply_manual (self);
}

static void
on_name_changed (SesameHostPage *self)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (self->syncing)
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (check_name (name, &message))
    {
      sesame_plan_set_host_name (sesame_page_get_plan (SESAME_PAGE (self)), name);
      g_free (self->synced_name);
      self->synced_name = g_steal_pointer (&name);
    }

  update_page (self);
}

static void
on_os_selected (SesameHostPage *self)
{
  guint selected;

  if (self->syncing)
    return;

  selected = adw_combo_row_get_selected (self->os_row);
  if (selected <= SESAME_HOST_OS_WINDOWS)
    sesame_plan_set_host_os (sesame_page_get_plan (SESAME_PAGE (self)), (SesameHostOs) selected);

  update_os_subtitle (self);
}

/* The private addresses of this computer's connected interfaces, the one
 * it reaches the internet from first */
static void
rebuild_choices (SesameHostPage *self)
{
  const SesameProbeReport *report = sesame_probe_session_get_report (sesame_page_get_session (SESAME_PAGE (self)));
  g_autoptr(GPtrArray) choices = g_ptr_array_new_with_free_func (choice_free);
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint i = 0; report != NULL && report->interfaces != NULL && i < report->interfaces->len; i++)
    {
      const SesameInterface *interface = g_ptr_array_index (report->interfaces, i);

      if (!interface->up || interface->loopback)
        continue;

      for (guint j = 0; interface->ipv4 != NULL && interface->ipv4[j] != NULL; j++)
        {
          g_autofree char *text = NULL;
          gboolean seen = FALSE;
          guint32 address;
          guint prefix;
          Choice *choice;

          if (!parse_cidr (interface->ipv4[j], &address, &prefix) ||
              sesame_ipv4_classify (address) != SESAME_IPV4_PRIVATE)
            continue;

          text = sesame_ipv4_to_string (address);
          for (guint k = 0; k < choices->len && !seen; k++)
            seen = g_str_equal (((Choice *) g_ptr_array_index (choices, k))->address, text);
          if (seen)
            continue;

          choice = g_new0 (Choice, 1);
          choice->address = g_steal_pointer (&text);
          choice->interface = g_strdup (interface->name);
          choice->prefix = prefix;
          choice->local = g_strcmp0 (choice->address, report->local_address) == 0;

          if (choice->local)
            g_ptr_array_insert (choices, 0, choice);
          else
            g_ptr_array_add (choices, choice);
        }
    }

  for (guint i = 0; i < choices->len; i++)
    {
      const Choice *choice = g_ptr_array_index (choices, i);

      g_string_append_printf (key, "%s/%u %s %d;", choice->address, choice->prefix,
                              choice->interface ? choice->interface : "", choice->local);
    }

  /* Keep the rows, and keyboard focus on them, while nothing changed */
  if (g_strcmp0 (key->str, self->choices_key) == 0)
    return;

  g_free (self->choices_key);
  self->choices_key = g_string_free (g_steal_pointer (&key), FALSE);

  for (guint i = 0; i < self->choice_rows->len; i++)
    adw_preferences_group_remove (self->addresses_group, g_ptr_array_index (self->choice_rows, i));
  g_ptr_array_set_size (self->choice_rows, 0);
  g_ptr_array_set_size (self->choice_checks, 0);
  g_ptr_array_unref (self->choices);
  self->choices = g_steal_pointer (&choices);

  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = g_ptr_array_index (self->choices, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *subtitle = NULL;

      if (choice->local)
        /* Translators: %s is a network interface, such as eth0 or wlp2s0 */
        subtitle = g_strdup_printf (_("This computer, on %s, connected to the internet"), choice->interface);
      else
        /* Translators: %s is a network interface, such as eth0 or wlp2s0 */
        subtitle = g_strdup_printf (_("This computer, on %s"), choice->interface);

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_group (GTK_CHECK_BUTTON (check), self->manual_check);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, choice->address,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                      -1);
      g_signal_connect_object (check, "toggled",
                               G_CALLBACK (on_choice_toggled), self,
                               G_CONNECT_SWAPPED);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), choice->address);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->addresses_group, row);

      g_ptr_array_add (self->choice_rows, row);
      g_ptr_array_add (self->choice_checks, check);
    }
}

/* Brings the address rows up to date with the session's report and the
 * plan. Unless @plan_changed, a choice the person made stays. */
static void
refresh_addresses (SesameHostPage *self,
                   gboolean        plan_changed)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  const char *host = sesame_plan_get_host_address (plan);
  GtkCheckButton *preselect = NULL;
  int index = -1;

  rebuild_choices (self);

  for (guint i = 0; host != NULL && i < self->choices->len; i++)
    if (g_str_equal (((Choice *) g_ptr_array_index (self->choices, i))->address, host))
      index = (int) i;

  self->syncing = TRUE;

  if (plan_changed || !gtk_check_button_get_active (self->manual_check))
    {
      if (index >= 0)
        gtk_check_button_set_active (g_ptr_array_index (self->choice_checks, index), TRUE);
      else if (host != NULL)
        {
          /* An address this computer does not have (any more): keep it */
          gtk_editable_set_text (GTK_EDITABLE (self->manual_row), host);
          gtk_check_button_set_active (self->manual_check, TRUE);
        }
      else
        {
          if (plan_changed)
            {
              gtk_editable_set_text (GTK_EDITABLE (self->manual_row), "");
              gtk_check_button_set_active (self->no_choice, TRUE);
            }
          if (!gtk_check_button_get_active (self->manual_check) && self->choices->len > 0)
            preselect = g_ptr_array_index (self->choice_checks, 0);
        }
    }

  if (preselect != NULL)
    gtk_check_button_set_active (preselect, TRUE);

  self->syncing = FALSE;

  if (preselect != NULL)
    write_address (self, ((Choice *) g_ptr_array_index (self->choices, 0))->address);
  else if (plan_changed)
    {
      g_free (self->synced_address);
      self->synced_address = g_strdup (host);
    }

  update_status (self);
  update_page (self);
}

static void
on_session_updated (SesameHostPage *self,
                    const char     *section)
{
  /* Nothing is chosen for the person before they come to this page */
  if (self->was_shown && g_strcmp0 (section, "local") == 0)
    refresh_addresses (self, FALSE);
}

static void
on_session_finished (SesameHostPage *self)
{
  if (self->was_shown)
    refresh_addresses (self, FALSE);
}

static void
on_session_running (SesameHostPage *self)
{
  if (self->was_shown)
    update_status (self);
}

/* The proposed fixed address is advice for the server's own network
 * settings: it goes to the clipboard, to paste there. Which computer serves,
 * and its system and name, stay as they are; once the server has the
 * address, the checks find it (or it is typed in as the other computer's). */
static void
copy_suggested_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  SesameHostPage *self = SESAME_HOST_PAGE (widget);
  g_autofree char *message = NULL;
  GtkWidget *window;

  if (self->suggested == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->suggested);

  /* Translators: %s is an address such as 192.168.11.200 */
  message = g_strdup_printf (_("Copied %s: paste it into the server’s network settings."), self->suggested);
  window = gtk_widget_get_ancestor (widget, SESAME_TYPE_WINDOW);
  if (window != NULL)
    sesame_window_add_toast (SESAME_WINDOW (window), adw_toast_new (message));
}

static void
sesame_host_page_shown (SesamePage *page)
{
  SesameHostPage *self = SESAME_HOST_PAGE (page);
  SesamePlan *plan = sesame_page_get_plan (page);
  gboolean first = !self->was_shown;
  const char *name;

  self->was_shown = TRUE;

  /* A plan without a host address is new: the system and name are only
   * defaults then, and this computer's are the best guess */
  if (first && sesame_plan_get_host_address (plan) == NULL)
    {
      g_autofree char *message = NULL;

      self->detected_os = detect_host_os ();
      self->os_detected = TRUE;
      sesame_plan_set_host_os (plan, self->detected_os);

      if (sesame_plan_get_host_name (plan) == NULL && check_name (g_get_host_name (), &message))
        sesame_plan_set_host_name (plan, g_get_host_name ());
    }

  self->syncing = TRUE;

  adw_combo_row_set_selected (self->os_row, sesame_plan_get_host_os (plan));

  name = sesame_plan_get_host_name (plan);
  if (first || g_strcmp0 (name, self->synced_name) != 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
      g_free (self->synced_name);
      self->synced_name = g_strdup (name);
    }

  self->syncing = FALSE;

  refresh_addresses (self, first || g_strcmp0 (sesame_plan_get_host_address (plan), self->synced_address) != 0);
}

static void
sesame_host_page_constructed (GObject *object)
{
  SesameHostPage *self = SESAME_HOST_PAGE (object);
  SesameProbeSession *session = sesame_page_get_session (SESAME_PAGE (self));
  GtkEditable *name_text = gtk_editable_get_delegate (GTK_EDITABLE (self->name_row));
  GtkEditable *manual_text = gtk_editable_get_delegate (GTK_EDITABLE (self->manual_row));

  G_OBJECT_CLASS (sesame_host_page_parent_class)->constructed (object);

  if (GTK_IS_TEXT (name_text))
    gtk_text_set_max_length (GTK_TEXT (name_text), SESAME_PLAN_MAX_NAME_LENGTH);

  /* Screen readers name the fields after the rows' titles */
  gtk_accessible_update_property (GTK_ACCESSIBLE (name_text),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->name_row)),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (manual_text),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->manual_row)),
                                  -1);

  g_signal_connect_object (session, "updated",
                           G_CALLBACK (on_session_updated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "finished",
                           G_CALLBACK (on_session_finished), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::running",
                           G_CALLBACK (on_session_running), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.copy-suggested", FALSE);
}

static void
sesame_host_page_dispose (GObject *object)
{
  SesameHostPage *self = SESAME_HOST_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_HOST_PAGE);

  /* The rows went with the template's group */
  g_clear_pointer (&self->choice_rows, g_ptr_array_unref);
  g_clear_pointer (&self->choice_checks, g_ptr_array_unref);
  g_clear_object (&self->no_choice);

  G_OBJECT_CLASS (sesame_host_page_parent_class)->dispose (object);
}

static void
sesame_host_page_finalize (GObject *object)
{
  SesameHostPage *self = SESAME_HOST_PAGE (object);

  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_free (self->choices_key);
  g_free (self->suggested);
  g_free (self->synced_address);
  g_free (self->synced_name);

  G_OBJECT_CLASS (sesame_host_page_parent_class)->finalize (object);
}

static void
sesame_host_page_class_init (SesameHostPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_host_page_constructed;
  object_class->dispose = sesame_host_page_dispose;
  object_class->finalize = sesame_host_page_finalize;

  page_class->shown = sesame_host_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-host-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, addresses_group);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, manual_row);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, manual_check);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, manual_error_icon);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, manual_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, manual_error_label);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, os_row);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, name_error_icon);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, name_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, fixed_group);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, reservation_row);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, by_hand_row);
  gtk_widget_class_bind_template_child (widget_class, SesameHostPage, use_button);
  gtk_widget_class_bind_template_callback (widget_class, on_manual_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_manual_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_os_selected);

  /**
   * SesameHostPage|host.copy-suggested:
   *
   * Copies the fixed address the advice proposes, for the server's network
   * settings; the plan does not change.
   */
  gtk_widget_class_install_action (widget_class, "host.copy-suggested", NULL, copy_suggested_activated);
}

static void
sesame_host_page_init (SesameHostPage *self)
{
  self->choices = g_ptr_array_new_with_free_func (choice_free);
  self->choice_rows = g_ptr_array_new ();
  self->choice_checks = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The other computer's address is one choice among this computer's,
   * drawn as a radio button even when this computer has none */
  self->no_choice = g_object_ref_sink (GTK_CHECK_BUTTON (gtk_check_button_new ()));
  gtk_check_button_set_group (self->manual_check, self->no_choice);
}
