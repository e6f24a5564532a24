/* sesame-window.c
 *
 * The wizard's window: the page order and Back/Next (pages only set
 * `complete`), pages built when first needed, the plan saved a moment
 * after edits settle (in a worker thread, through the store), the last
 * run's results read at start and compared with this run's router to
 * notice a replaced router, and a network change (cable, Wi-Fi, another
 * router) marking the results out of date and running the checks
 * again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-checklist-page.h"
#include "sesame-checks-page.h"
#include "sesame-gui.h"
#include "sesame-host-page.h"
#include "sesame-router-page.h"
#include "sesame-services-page.h"
#include "sesame-welcome-page.h"
#include "sesame-local-probe.h"
#include "sesame-window.h"

/* Plan edits come in bursts (typing); save once they settle */
#define SAVE_DELAY_MS 500

/* A cable, Wi-Fi or a new router changes routes and addresses in a burst:
 * check again once it has settled */
#define NETWORK_SETTLE_MS 1000

/* The page order, and the names --page accepts */
static const struct
{
  const char *name;
  GType     (*get_type) (void);
} page_table[] = {
  { "welcome",   sesame_welcome_page_get_type },
  { "router",    sesame_router_page_get_type },
  { "host",      sesame_host_page_get_type },
  { "services",  sesame_services_page_get_type },
  { "checks",    sesame_checks_page_get_type },
  { "checklist", sesame_checklist_page_get_type },
};

struct _SesameWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwWindowTitle       *window_title;
  GtkButton            *back_button;
  GtkButton            *next_button;
  GtkMenuButton        *menu_button;
  GtkStack             *stack;
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *stale_revealer;
  GtkLabel             *stale_label;

  SesamePlan           *plan;       /* owned */
  SesameCatalog        *catalog;    /* owned */
  SesameProbeSession   *session;    /* owned */
  SesameStore          *store;      /* owned, nullable: where the plan and reports are kept */
  SesamePlan           *previous_plan;  /* owned, nullable: before "I replaced my router" */
  SesameProbeReport    *saved_report;   /* owned, nullable: the last run's before this window, from the store */
  gboolean              saved_report_read;  /* read when the first run ends, not at start-up */
  gboolean              saved_report_loading;  /* being read in a worker thread */
  guint                 save_source;    /* plan changes waiting to be saved */
  guint                 network_source; /* a network change waiting to settle */
  SesamePage           *pages[G_N_ELEMENTS (page_table)];  /* owned by the stack; NULL until first needed */
  guint                 current;
  gulong                complete_handler;  /* on pages[current] */
  gulong                title_handler;     /* on pages[current] */
};

G_DEFINE_FINAL_TYPE (SesameWindow, sesame_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PLAN,
  PROP_CATALOG,
  PROP_SESSION,
  PROP_PREVIOUS_PLAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
page_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_table); i++)
    if (g_strcmp0 (page_table[i].name, name) == 0)
      return (int) i;

  return -1;
}

/* Pages are built when first needed: building all six up front costs the
 * first frame more than the window itself */
static SesamePage *
ensure_page (SesameWindow *self,
             guint         index)
{
  GType type;

  g_assert (index < G_N_ELEMENTS (page_table));

  if (self->pages[index] != NULL)
    return self->pages[index];

  type = page_table[index].get_type ();
  g_assert (g_type_is_a (type, SESAME_TYPE_PAGE));
  self->pages[index] = g_object_new (type,
                                     "plan", self->plan,
                                     "catalog", self->catalog,
                                     "session", self->session,
                                     NULL);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->pages[index]), page_table[index].name);

  return ensure_page (self, (guint) index);
}

static void
update_actions (SesameWindow *self)
{
  SesamePage *page = self->pages[self->current];
  gboolean has_next = self->current + 1 < G_N_ELEMENTS (page_table);
  GAction *back = g_action_map_lookup_action (G_ACTION_MAP (self), "back");
  GAction *next = g_action_map_lookup_action (G_ACTION_MAP (self), "next");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (back), self->current > 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (next),
                               has_next && sesame_page_get_complete (page));
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), has_next);
}

static void
update_title (SesameWindow *self)
{
  const char *page_title = sesame_page_get_title (self->pages[self->current]);
  g_autofree char *step = NULL;
  g_autofree char *window_title = NULL;

  adw_window_title_set_title (self->window_title, page_title);
  /* The window's own title: what the window list, Alt+Tab and screen
   * readers name the window by (else the program's file name, "sesame") */
  /* Translators: the window's title, the current page's title then the
   * application's name, e.g. "Services — Sesame" */
  window_title = g_strdup_printf (_("%s — Sesame"), page_title != NULL ? page_title : "");
  gtk_window_set_title (GTK_WINDOW (self), window_title);
  /* Translators: the header bar's subtitle, e.g. "Step 2 of 6" */
  step = g_strdup_printf (_("Step %u of %u"),
                          self->current + 1,
                          (guint) G_N_ELEMENTS (page_table));
  adw_window_title_set_subtitle (self->window_title, step);
}

static void
on_page_complete_changed (SesameWindow *self)
{
  update_actions (self);
}

static void
go_to (SesameWindow *self,
       guint         index,
       gboolean      forward)
{
  SesamePage *old_page;
  SesamePage *page;

  g_assert (SESAME_IS_WINDOW (self));
  g_assert (index < G_N_ELEMENTS (page_table));

  old_page = self->pages[self->current];
  g_clear_signal_handler (&self->complete_handler, old_page);
  g_clear_signal_handler (&self->title_handler, old_page);
  if (index < self->current)
    sesame_page_back (old_page);
  if (index != self->current)
    sesame_page_leave (old_page);

  self->current = index;
  page = ensure_page (self, index);

  gtk_stack_set_transition_type (self->stack,
                                 forward ? GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT
                                         : GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (page));

  self->complete_handler =
    g_signal_connect_object (page, "notify::complete",
                             G_CALLBACK (on_page_complete_changed), self,
                             G_CONNECT_SWAPPED);
  self->title_handler =
    g_signal_connect_object (page, "notify::title",
                             G_CALLBACK (update_title), self,
                             G_CONNECT_SWAPPED);

  update_actions (self);
  update_title (self);

  /* Keep keyboard focus somewhere useful when Next goes away on the last page */
  if (!gtk_widget_get_visible (GTK_WIDGET (self->next_button)) &&
      gtk_widget_has_focus (GTK_WIDGET (self->next_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->back_button));

  sesame_page_shown (page);
}

static void
back_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SesameWindow *self = user_data;

  if (self->current > 0)
    go_to (self, self->current - 1, FALSE);
}

static void
next_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SesameWindow *self = user_data;

  /* The action is disabled otherwise; check anyway, shortcuts race with notify */
  if (self->current + 1 < G_N_ELEMENTS (page_table) &&
      sesame_page_get_complete (self->pages[self->current]))
    go_to (self, self->current + 1, TRUE);
}

static void
go_to_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SesameWindow *self = user_data;
  int index = page_index (g_variant_get_string (parameter, NULL));

  if (index < 0)
    {
      g_critical ("No page “%s”", g_variant_get_string (parameter, NULL));
      return;
    }

  go_to (self, (guint) index, (guint) index >= self->current);
}

static void
check_again_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SesameWindow *self = user_data;

  sesame_probe_session_start (self->session, self->plan, self->catalog);
  go_to (self, (guint) page_index ("checks"), TRUE);
}

/* Whether @address lies in @subnet ("192.168.11.0/24") */
static gboolean
address_in_subnet (const char *address,
                   const char *subnet)
{
  g_auto(GStrv) parts = NULL;
  guint32 host;
  guint32 network;
  guint64 prefix;

  if (address == NULL || subnet == NULL)
    return FALSE;

  parts = g_strsplit (subnet, "/", 2);
  return g_strv_length (parts) == 2 &&
         sesame_ipv4_parse (address, &host) &&
         sesame_ipv4_parse (parts[0], &network) &&
         g_ascii_string_to_unsigned (parts[1], 10, 0, 32, &prefix, NULL) &&
         sesame_ipv4_same_subnet (host, network, (guint) prefix);
}

/* "I replaced my router": keep the services, ask for the new router, and
 * keep what the new router did not change: the connection to the provider,
 * the router's address and the server's while the home network is the
 * same; check the new network, and let the checklist page show what
 * changed against the plan as it was */
static void
replace_router_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  SesameWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  const SesameProbeReport *report;
  SesamePlan *previous;

  if (!(previous = sesame_plan_copy (self->plan, self->catalog, &error)))
    {
      /* The plan in memory always serialises to a readable plan */
      g_critical ("Cannot keep the plan before the router change: %s", error->message);
      return;
    }

  g_clear_object (&self->previous_plan);
  self->previous_plan = previous;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIOUS_PLAN]);

  report = sesame_probe_session_get_report (self->session);
  sesame_plan_set_router_id (self->plan, "generic");
  if (report == NULL || g_strcmp0 (report->gateway, sesame_plan_get_router_address (self->plan)) != 0)
    sesame_plan_set_router_address (self->plan, NULL);
  if (report == NULL || !address_in_subnet (sesame_plan_get_host_address (self->plan), report->subnet))
    sesame_plan_set_host_address (self->plan, NULL);

  sesame_router_page_choose_new (SESAME_ROUTER_PAGE (ensure_page (self, (guint) page_index ("router"))));
  sesame_welcome_page_set_router_changes (SESAME_WELCOME_PAGE (ensure_page (self, 0)), NULL);
  sesame_probe_session_start (self->session, self->plan, self->catalog);
  go_to (self, (guint) page_index ("router"), TRUE);
}

static const GActionEntry win_entries[] = {
  { .name = "back", .activate = back_activated },
  { .name = "next", .activate = next_activated },
  { .name = "go-to", .activate = go_to_activated, .parameter_type = "s" },
  { .name = "check-again", .activate = check_again_activated },
  { .name = "replace-router", .activate = replace_router_activated },
};

/* A save under way keeps the application running, even once the window is
 * closed, so that nothing typed is lost */
typedef struct
{
  SesameWindow *self;         /* owned */
  GApplication *application;  /* owned, nullable: held until the save is done */
} Saving;

static Saving *
saving_new (SesameWindow *self)
{
  Saving *saving = g_new0 (Saving, 1);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  saving->self = g_object_ref (self);
  if (application != NULL)
    {
      saving->application = g_object_ref (G_APPLICATION (application));
      g_application_hold (saving->application);
    }

  return saving;
}

static void
saving_free (Saving *saving)
{
  if (saving->application != NULL)
    {
      g_application_release (saving->application);
      g_object_unref (saving->application);
    }
  g_object_unref (saving->self);
  g_free (saving);
}

static void
plan_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Saving *saving = user_data;
  SesameWindow *self = saving->self;
  g_autoptr(GError) error = NULL;

  if (!sesame_store_save_plan_finish (SESAME_STORE (object), result, &error))
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your answers could not be saved: %s"), error->message);

      if (self->toast_overlay != NULL)
        sesame_window_add_toast (self, adw_toast_new (text));
      else
        g_warning ("%s", text);
    }

  saving_free (saving);
}

static void
report_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sesame_store_save_report_finish (SESAME_STORE (object), result, &error))
    g_warning ("Cannot keep the network check results: %s", error->message);

  saving_free (user_data);
}

/* The file is written in a worker thread (the history copy and fsync are
 * no work for the main loop); the plan is serialised here, as it is now */
static gboolean
save_plan (gpointer user_data)
{
  SesameWindow *self = user_data;

  self->save_source = 0;

  if (self->store != NULL)
    sesame_store_save_plan_async (self->store, self->plan, plan_saved_cb, saving_new (self));

  return G_SOURCE_REMOVE;
}

static void
on_plan_changed (SesameWindow *self)
{
  if (self->store == NULL)
    return;

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_plan, self);
}

/* This run's router against the last run's before this window, then this
 * run kept for the next start */
static void
compare_and_keep_report (SesameWindow *self)
{
  const SesameProbeReport *report = sesame_probe_session_get_report (self->session);
  g_autofree char *json = NULL;

  if (self->store == NULL || report == NULL)
    return;

  if (self->saved_report != NULL && self->previous_plan == NULL)
    {
      g_autoptr(GPtrArray) changes = sesame_probe_report_router_changes (self->saved_report, report);

      sesame_welcome_page_set_router_changes (SESAME_WELCOME_PAGE (ensure_page (self, 0)), changes);
    }

  json = sesame_probe_report_to_json (report);
  sesame_store_save_report_async (self->store, json, report_saved_cb, saving_new (self));
}

/* The last run's results, read in a worker thread (the store's one reader:
 * a regular file, at most 1 MiB, a damaged one moved aside) */
static void
saved_report_loaded_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Saving *saving = user_data;
  SesameWindow *self = saving->self;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;

  saved = sesame_store_load_report_finish (SESAME_STORE (object), result, &moved_aside, &error);
  self->saved_report_loading = FALSE;

  /* Another store since: its own report is read at the next run's end */
  if (SESAME_STORE (object) != self->store)
    {
      saving_free (saving);
      return;
    }

  self->saved_report_read = TRUE;
  if (saved != NULL)
    self->saved_report = sesame_probe_report_new_from_json (saved, &error);
  if (error != NULL)
    g_message ("The last network check results cannot be read (%s%s%s); the router is not compared",
               error->message, moved_aside ? "; moved to " : "", moved_aside ? moved_aside : "");

  compare_and_keep_report (self);
  saving_free (saving);
}

/* Each finished run is kept for the next start, which compares routers with
 * it: what the last run before this window kept is read first, before this
 * run replaces it, off the main loop */
static void
on_session_finished (SesameWindow *self)
{
  if (self->store == NULL || sesame_probe_session_get_report (self->session) == NULL)
    return;

  if (self->saved_report_read)
    compare_and_keep_report (self);
  else if (!self->saved_report_loading)
    {
      /* Runs that end while it is read: the latest is compared and kept then */
      self->saved_report_loading = TRUE;
      sesame_store_load_report_async (self->store, NULL, saved_report_loaded_cb, saving_new (self));
    }
}

/* The network changed under the open wizard: what the checks found may
 * describe a network that is gone. Say so and check again. */
static gboolean
network_settled_cb (gpointer user_data)
{
  SesameWindow *self = user_data;
  const SesameProbeReport *report;

  self->network_source = 0;

  /* The monitor speaks of any change (its own start among them); the
   * results stand while the gateway and this computer's address do */
  report = sesame_probe_session_get_report (self->session);
  if (report != NULL && sesame_local_probe_same_network (report))
    {
      g_debug ("The network changed, not the way to the router: the results stand");
      return G_SOURCE_REMOVE;
    }

  g_debug ("The network changed: checking again");
  sesame_probe_session_mark_stale (self->session);
  sesame_probe_session_start (self->session, self->plan, self->catalog);

  return G_SOURCE_REMOVE;
}

/* The notice says why the results are out of date */
static void
on_session_stale (SesameWindow *self)
{
  if (sesame_probe_session_get_stale_mappings (self->session))
    gtk_label_set_text (self->stale_label,
                        _("Sesame changed the port forwarding on your router. The results may be out of date "
                          "until the checks, running again now, are done."));
  else if (sesame_probe_session_get_stale (self->session))
    gtk_label_set_text (self->stale_label,
                        _("Your network changed since Sesame checked it. The results may be out of date "
                          "until the checks, running again now, are done."));
}

static void
on_network_changed (SesameWindow *self)
{
  g_clear_handle_id (&self->network_source, g_source_remove);
  self->network_source = g_timeout_add (NETWORK_SETTLE_MS, network_settled_cb, self);
}

static gboolean
sesame_window_close_request (GtkWindow *window)
{
  SesameWindow *self = SESAME_WINDOW (window);

  if (self->pages[self->current] != NULL)
    sesame_page_leave (self->pages[self->current]);

  /* Nothing typed is lost: save what is waiting now */
  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_plan (self);
    }

  return GTK_WINDOW_CLASS (sesame_window_parent_class)->close_request (window);
}

static void
sesame_window_constructed (GObject *object)
{
  SesameWindow *self = SESAME_WINDOW (object);

  G_OBJECT_CLASS (sesame_window_parent_class)->constructed (object);

  g_assert (SESAME_IS_PLAN (self->plan));
  g_assert (SESAME_IS_CATALOG (self->catalog));

  if (self->session == NULL)
    self->session = sesame_probe_session_new ();

  g_signal_connect_object (self->plan, "changed",
                           G_CALLBACK (on_plan_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "finished",
                           G_CALLBACK (on_session_finished), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed), self,
                           G_CONNECT_SWAPPED);
  g_object_bind_property (self->session, "stale",
                          self->stale_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->session, "notify::stale",
                           G_CALLBACK (on_session_stale), self,
                           G_CONNECT_SWAPPED);

  ensure_page (self, 0);
  go_to (self, 0, TRUE);

  /* The checks run in the background from the start; the checks page
   * restarts them when the plan's ports have changed by then */
  sesame_probe_session_start (self->session, self->plan, self->catalog);
}

static void
sesame_window_dispose (GObject *object)
{
  SesameWindow *self = SESAME_WINDOW (object);

  if (self->pages[self->current] != NULL)
    {
      g_clear_signal_handler (&self->complete_handler, self->pages[self->current]);
      g_clear_signal_handler (&self->title_handler, self->pages[self->current]);
    }
  memset (self->pages, 0, sizeof self->pages);

  gtk_widget_dispose_template (GTK_WIDGET (self), SESAME_TYPE_WINDOW);

  g_clear_object (&self->plan);
  g_clear_object (&self->catalog);
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->network_source, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->previous_plan);
  g_clear_pointer (&self->saved_report, sesame_probe_report_free);
  if (self->session != NULL)
    sesame_probe_session_cancel (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sesame_window_parent_class)->dispose (object);
}

static void
sesame_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SesameWindow *self = SESAME_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_PREVIOUS_PLAN:
      g_value_set_object (value, self->previous_plan);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SesameWindow *self = SESAME_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;

    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_window_class_init (SesameWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  sesame_gui_ensure_resources ();

  object_class->constructed = sesame_window_constructed;
  object_class->dispose = sesame_window_dispose;
  object_class->get_property = sesame_window_get_property;
  object_class->set_property = sesame_window_set_property;

  window_class->close_request = sesame_window_close_request;

  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL,
                         SESAME_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL,
                         SESAME_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SESAME_TYPE_PROBE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SesameWindow:previous-plan:
   *
   * The plan as it was before "I replaced my router", for the migration
   * checklist; %NULL otherwise.
   */
  properties[PROP_PREVIOUS_PLAN] =
    g_param_spec_object ("previous-plan", NULL, NULL,
                         SESAME_TYPE_PLAN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, SesameWindow, stale_label);
}

static void
sesame_window_init (SesameWindow *self)
{
  /* Read while the window is built, not when its first icon is drawn */
  sesame_gui_preload_icon_theme (gdk_display_get_default ());
  gtk_widget_init_template (GTK_WIDGET (self));
  sesame_gui_measure_when_revealed (self->stale_revealer);
  /* Not in the template: see sesame_gui_set_tooltip () */
  sesame_gui_set_tooltip (GTK_WIDGET (self->back_button), _("Previous page (Alt+Left)"));
  sesame_gui_set_tooltip (GTK_WIDGET (self->menu_button), _("Main Menu"));
  sesame_gui_set_tooltip (GTK_WIDGET (self->next_button), _("Next page (Alt+Right)"));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   win_entries, G_N_ELEMENTS (win_entries),
                                   self);
}

/**
 * sesame_window_new:
 * @application: (nullable): the application
 * @plan: the plan the pages edit
 * @catalog: the catalog the pages show
 * @session: (nullable): the network checks, configured; %NULL for the
 *   default servers
 *
 * The checks start at once.
 *
 * Returns: (transfer full): a window on the first page
 */
SesameWindow *
sesame_window_new (GtkApplication     *application,
                   SesamePlan         *plan,
                   SesameCatalog      *catalog,
                   SesameProbeSession *session)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SESAME_IS_PLAN (plan), NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (session == NULL || SESAME_IS_PROBE_SESSION (session), NULL);

  return g_object_new (SESAME_TYPE_WINDOW,
                       "application", application,
                       "plan", plan,
                       "catalog", catalog,
                       "session", session,
                       NULL);
}

SesameProbeSession *
sesame_window_get_session (SesameWindow *self)
{
  g_return_val_if_fail (SESAME_IS_WINDOW (self), NULL);

  return self->session;
}

/**
 * sesame_window_has_page:
 * @name: a page name, as --page takes it
 *
 * Returns: whether the window has that page (yet)
 */
gboolean
sesame_window_has_page (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return page_index (name) >= 0;
}

/**
 * sesame_window_set_page:
 * @self: the window
 * @name: a page name
 *
 * Jumps straight to a page, as --page does; pages in between are not shown.
 *
 * Returns: %FALSE when there is no such page
 */
gboolean
sesame_window_set_page (SesameWindow *self,
                        const char   *name)
{
  int index;

  g_return_val_if_fail (SESAME_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((index = page_index (name)) < 0)
    return FALSE;

  go_to (self, (guint) index, (guint) index >= self->current);
  return TRUE;
}

const char *
sesame_window_get_page_name (SesameWindow *self)
{
  g_return_val_if_fail (SESAME_IS_WINDOW (self), NULL);

  return page_table[self->current].name;
}

/**
 * sesame_window_get_page:
 * @self: the window
 * @name: a page name
 *
 * Returns: (transfer none) (nullable): the page (built now if it was not yet), or %NULL when there is none
 */
SesamePage *
sesame_window_get_page (SesameWindow *self,
                        const char   *name)
{
  int index;

  g_return_val_if_fail (SESAME_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((index = page_index (name)) < 0)
    return NULL;

  return ensure_page (self, (guint) index);
}

SesamePlan *
sesame_window_get_plan (SesameWindow *self)
{
  g_return_val_if_fail (SESAME_IS_WINDOW (self), NULL);

  return self->plan;
}

/**
 * sesame_window_set_store:
 * @self: the window
 * @store: (nullable): where the plan is saved as it is edited, and each
 *   run's results are kept; %NULL to keep nothing (a plan opened from a file)
 * @returning: whether the plan came from @store (the welcome page says
 *   "Welcome back")
 * @notice: (nullable): what happened to the saved plan, for the welcome
 *   page (it could not be read and was moved aside, say)
 *
 * Only before the window is shown.
 */
void
sesame_window_set_store (SesameWindow *self,
                         SesameStore  *store,
                         gboolean      returning,
                         const char   *notice)
{
  SesameWelcomePage *welcome;

  g_return_if_fail (SESAME_IS_WINDOW (self));
  g_return_if_fail (store == NULL || SESAME_IS_STORE (store));

  g_set_object (&self->store, store);
  g_clear_pointer (&self->saved_report, sesame_probe_report_free);
  self->saved_report_read = FALSE;

  welcome = SESAME_WELCOME_PAGE (ensure_page (self, (guint) page_index ("welcome")));
  sesame_welcome_page_set_returning (welcome, returning);
  sesame_welcome_page_set_plan_notice (welcome, notice);
}

/**
 * sesame_window_get_previous_plan:
 * @self: the window
 *
 * Returns: (transfer none) (nullable): the plan before "I replaced my router"
 */
SesamePlan *
sesame_window_get_previous_plan (SesameWindow *self)
{
  g_return_val_if_fail (SESAME_IS_WINDOW (self), NULL);

  return self->previous_plan;
}

/**
 * sesame_window_add_toast:
 * @self: the window
 * @toast: (transfer full): a toast
 */
void
sesame_window_add_toast (SesameWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (SESAME_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
