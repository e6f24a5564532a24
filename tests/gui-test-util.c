/* gui-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#ifndef SYSTEM_DATADIR
#define SYSTEM_DATADIR "/usr/share"
#endif

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "gui-test-util.h"
#include "sesame-gui.h"

static char *home_dir;

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
remove_home (void)
{
  g_autoptr(GFile) home = g_file_new_for_path (home_dir);

  remove_tree (home);
  g_clear_pointer (&home_dir, g_free);
}

/* The person's own directories, in a fresh temporary home: the wizard
 * saves its plan there. Not G_TEST_OPTION_ISOLATE_DIRS, which hides the
 * system data directories too, and with them the MIME database the
 * toolkit needs to load its SVG icons. */
static void
isolate_home (void)
{
  static const struct
  {
    const char *variable;
    const char *name;
  } dirs[] = {
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  g_autoptr(GError) error = NULL;

  home_dir = g_dir_make_tmp ("sesame-test-gui-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_home);

  g_setenv ("HOME", home_dir, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (home_dir, dirs[i].name, NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (dirs[i].variable, dir, TRUE);
    }
}

void
gui_test_init (int    *argc,
               char ***argv)
{
  g_autofree char *localedir = NULL;
  g_autofree char *built = NULL;
  g_autofree char *schema_dirs = NULL;

  setlocale (LC_ALL, "");
  isolate_home ();
  g_test_init (argc, argv, NULL);

  /* The UI catalogs as built, not as installed */
  localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Same pixels on every machine, and no slide animations mid-screenshot.
   * SESAME_TEST_RENDERER=default leaves the choice to Sesame, as src/gui/main.c
   * does (sesame_gui_init () below: cairo where the GL is rasterized on the
   * CPU, as under Xvfb); =gl forces GTK's GL renderer (llvmpipe under Xvfb),
   * as a person who sets GSK_RENDERER=gl gets it */
  if (g_strcmp0 (g_getenv ("SESAME_TEST_RENDERER"), "default") == 0)
    g_unsetenv ("GSK_RENDERER");
  else if (g_strcmp0 (g_getenv ("SESAME_TEST_RENDERER"), "gl") == 0)
    g_setenv ("GSK_RENDERER", "gl", TRUE);
  else
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* The test accessibility backend: tests can read what screen readers get */
  g_setenv ("GTK_A11Y", "test", FALSE);
  /* Sesame's own schema as built, the toolkit's as installed; settings in memory */
  built = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);
  schema_dirs = g_strconcat (built, ":", SYSTEM_DATADIR "/glib-2.0/schemas", NULL);
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dirs, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (!sesame_gui_init ())
    g_error ("cannot open the display");
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

const char *
gui_test_ui_language (void)
{
  const char *language = g_getenv ("LANGUAGE");

  return language != NULL && *language != '\0' ? language : "C";
}

gboolean
gui_test_ui_is_japanese (void)
{
  return g_str_has_prefix (gui_test_ui_language (), "ja");
}

SesameProbeSession *
gui_test_session_new (void)
{
  SesameProbeSession *session = sesame_probe_session_new ();

  sesame_probe_session_set_internet (session, FALSE);
  sesame_probe_session_set_deadline (session, 1500);

  return session;
}

/**
 * gui_test_assert_renderer:
 * @window: a realized window
 *
 * The renderer @window draws with is the one SESAME_TEST_RENDERER asks
 * for. Under Xvfb GL is always Mesa rasterizing on the CPU (Xvfb offers
 * no direct rendering), where Sesame's own choice is cairo; a silent fall
 * back to cairo under "gl" would test nothing of GL.
 */
void
gui_test_assert_renderer (GtkWindow *window)
{
  const char *asked = g_getenv ("SESAME_TEST_RENDERER");
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  g_test_message ("renderer: %s", G_OBJECT_TYPE_NAME (renderer));
  if (g_strcmp0 (asked, "gl") == 0)
    g_assert_false (GSK_IS_CAIRO_RENDERER (renderer));
  else
    g_assert_true (GSK_IS_CAIRO_RENDERER (renderer));
}

SesameWindow *
gui_test_open_window (const char         *plan_file,
                      const char         *report_language,
                      const char         *page,
                      SesameProbeSession *session)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(SesameProbeSession) own_session = NULL;
  g_autoptr(GError) error = NULL;
  SesameWindow *window;

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  if (plan_file != NULL)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", plan_file, NULL);

      plan = sesame_plan_load_from_file (path, catalog, &error);
      g_assert_no_error (error);
    }
  else
    plan = sesame_plan_new ();

  if (report_language != NULL)
    sesame_plan_set_language (plan, report_language);

  if (session == NULL)
    session = own_session = gui_test_session_new ();

  window = sesame_window_new (NULL, plan, catalog, session);
  if (page != NULL)
    g_assert_true (sesame_window_set_page (window, page));

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  gui_test_assert_renderer (GTK_WINDOW (window));

  return window;
}

void
gui_test_close_window (SesameWindow *window)
{
  g_assert_true (SESAME_IS_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
on_frame (GdkFrameClock *clock,
          guint         *frames)
{
  (*frames)++;
}

void
gui_test_wait_for_frames (GtkWidget *widget,
                          guint      n)
{
  GdkFrameClock *clock;
  guint frames = 0;
  gulong handler;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_frame), &frames);
  while (frames < n)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
}

void
gui_test_screenshot (SesameWindow *window,
                     const char   *tag)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  gui_test_wait_for_frames (widget, 3);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)),
                                         node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  name = g_strdup_printf ("gui-%s-ui_%s-%s.png",
                          sesame_window_get_page_name (window),
                          gui_test_ui_language (),
                          tag != NULL ? tag : "shown");
  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static gboolean
on_timeout (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
gui_test_wait_until (GuiTestCondition condition,
                     gpointer         data,
                     guint            timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &timed_out);

  while (!condition (data))
    {
      if (timed_out)
        g_error ("Gave up waiting after %u ms", timeout_ms);
      g_main_context_iteration (NULL, TRUE);
    }

  if (!timed_out)
    g_source_remove (id);
}

void
gui_test_iterate (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, on_timeout, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
gui_test_action_enabled (SesameWindow *window,
                         const char   *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

void
gui_test_activate (SesameWindow *window,
                   const char   *name)
{
  g_assert_true (gui_test_action_enabled (window, name));
  g_action_group_activate_action (G_ACTION_GROUP (window), name, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

const char *
gui_test_widget_text (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_CHECK_BUTTON (widget))
    return gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  if (GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));

  return NULL;
}

static void
find_all (GtkWidget  *root,
          GType       type,
          const char *text,
          GPtrArray  *found,
          gboolean    first_only)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (first_only && found->len > 0)
        return;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (text == NULL || g_strcmp0 (gui_test_widget_text (child), text) == 0))
        g_ptr_array_add (found, child);

      find_all (child, type, text, found, first_only);
    }
}

GtkWidget *
gui_test_find (GtkWidget  *root,
               GType       type,
               const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  find_all (root, type, text, found, TRUE);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

GPtrArray *
gui_test_find_all (GtkWidget  *root,
                   GType       type,
                   const char *text)
{
  GPtrArray *found = g_ptr_array_new ();

  find_all (root, type, text, found, FALSE);

  return found;
}

gboolean
gui_test_is_shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      if (!gtk_widget_get_visible (widget))
        return FALSE;
      if (GTK_IS_STACK (gtk_widget_get_parent (widget)) &&
          gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (widget))) != widget)
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
gui_test_focus_chain (SesameWindow *window,
                      guint         limit)
{
  GPtrArray *chain = g_ptr_array_new ();
  GtkWidget *first = NULL;

  gtk_window_set_focus (GTK_WINDOW (window), NULL);

  for (guint i = 0; i < limit; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        {
          /* Wrapped around: focus starts over from the top */
          gtk_window_set_focus (GTK_WINDOW (window), NULL);
          if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
            break;
        }

      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus == NULL || focus == first)
        break;
      if (first == NULL)
        first = focus;
      g_ptr_array_add (chain, focus);
    }

  return chain;
}

gboolean
gui_test_chain_reaches (GPtrArray *chain,
                        GtkWidget *widget)
{
  for (guint i = 0; i < chain->len; i++)
    {
      GtkWidget *focus = g_ptr_array_index (chain, i);

      if (focus == widget || gtk_widget_is_ancestor (focus, widget))
        return TRUE;
    }

  return FALSE;
}

void
gui_test_type (GtkWidget  *editable,
               const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));

  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), "");
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = -1;
      char character[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (p), character);
      position = (int) g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (editable)), -1);
      gtk_editable_insert_text (GTK_EDITABLE (editable), character, -1, &position);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

void
gui_test_press (GtkWidget *widget)
{
  g_assert_true (GTK_IS_WIDGET (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));

  g_assert_true (gtk_widget_activate (widget));
  /* GtkButton shows itself pressed for 250 ms before it clicks */
  gui_test_iterate (350);
}

/* @widget, or the nearest widget above it, says @text */
static gboolean
says (GtkWidget  *widget,
      const char *text)
{
  for (guint depth = 0; widget != NULL && depth < 6; depth++, widget = gtk_widget_get_parent (widget))
    if (g_strcmp0 (gui_test_widget_text (widget), text) == 0)
      return TRUE;

  return FALSE;
}

GtkWidget *
gui_test_tab_to (SesameWindow *window,
                 const char   *text)
{
  for (guint i = 0; i < 500; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        {
          gtk_window_set_focus (GTK_WINDOW (window), NULL);
          gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
        }

      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus != NULL && says (focus, text))
        return focus;
    }

  g_error ("Tab never reaches “%s” on the %s page", text, sesame_window_get_page_name (window));
}

GtkWindow *
gui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  return gui_test_find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
toplevel_gone (gpointer data)
{
  return gui_test_find_toplevel ((GType) GPOINTER_TO_SIZE (data)) == NULL;
}

GtkWindow *
gui_test_wait_for_toplevel (GType type,
                            guint timeout_ms)
{
  gui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (type), timeout_ms);

  return gui_test_find_toplevel (type);
}

void
gui_test_wait_toplevel_gone (GType type,
                             guint timeout_ms)
{
  gui_test_wait_until (toplevel_gone, GSIZE_TO_POINTER (type), timeout_ms);
}
