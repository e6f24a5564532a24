/* test-row-layout.c: rows laid out by SesameRowLayout look as libadwaita
 * lays them out
 *
 * The checks page lays out its rows' headers with SesameRowLayout, which
 * measures a row in one pass where GTK 4.8's box layout searches (see
 * src/gui/sesame-row-layout.c). A person must not see the difference: the
 * icon, the title, the wrapped subtitle and the button beside them are where
 * libadwaita puts them, the row is as tall, at a narrow width where the
 * subtitle wraps over several lines as at a wide one, left to right and
 * right to left, also after the text changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gui-test-util.h"
#include "gui-tests.h"
#include "sesame-row-layout.h"

#define TITLE "TCP 548 — File sharing (AFP)"
#define SUBTITLE "Nothing answers on this computer: start the file sharing service, then check again. " \
                 "The router forwards the port, and the way in from the internet is open."
#define SUBTITLE_CHANGED "Reachable from the internet"

typedef struct
{
  GtkWidget *window;
  GtkWidget *list;
  GtkWidget *rows[2];  /* libadwaita's own layout, then SesameRowLayout */
} Pair;

static GtkWidget *
row_new (GType type)
{
  GtkWidget *row = g_object_new (type, "title", TITLE, "use-markup", FALSE, NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *button = gtk_button_new_from_icon_name ("help-about-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  if (type == ADW_TYPE_EXPANDER_ROW)
    {
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), SUBTITLE);
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), adw_action_row_new ());
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), SUBTITLE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

/* Two rows of @type, the second laid out by SesameRowLayout, in a boxed
 * list @width pixels wide, on screen */
static void
pair_open (Pair           *pair,
           GType           type,
           int             width,
           GtkTextDirection direction)
{
  pair->window = gtk_window_new ();
  pair->list = gtk_list_box_new ();
  gtk_widget_add_css_class (pair->list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (pair->list), GTK_SELECTION_NONE);
  gtk_widget_set_size_request (pair->list, width, -1);
  gtk_widget_set_halign (pair->list, GTK_ALIGN_START);
  gtk_widget_set_valign (pair->list, GTK_ALIGN_START);

  for (guint i = 0; i < G_N_ELEMENTS (pair->rows); i++)
    {
      pair->rows[i] = row_new (type);
      gtk_list_box_append (GTK_LIST_BOX (pair->list), pair->rows[i]);
    }
  g_assert_true (sesame_row_layout_install (ADW_PREFERENCES_ROW (pair->rows[1])));
  /* Once is enough: a second call finds it in place */
  g_assert_true (sesame_row_layout_install (ADW_PREFERENCES_ROW (pair->rows[1])));

  gtk_widget_set_direction (pair->window, direction);
  gtk_window_set_child (GTK_WINDOW (pair->window), pair->list);
  gtk_window_set_default_size (GTK_WINDOW (pair->window), width + 40, 400);
  gtk_window_present (GTK_WINDOW (pair->window));
  gui_test_iterate (300);
}

static void
pair_close (Pair *pair)
{
  gtk_window_destroy (GTK_WINDOW (pair->window));
  gui_test_iterate (50);
}

/* Where @widget is in @row */
static graphene_rect_t
place (GtkWidget *row,
       GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, row, &bounds));

  return bounds;
}

static void
assert_same_place (const char      *what,
                   graphene_rect_t  want,
                   graphene_rect_t  got)
{
  if (ABS (want.origin.x - got.origin.x) > 1 || ABS (want.origin.y - got.origin.y) > 1 ||
      ABS (want.size.width - got.size.width) > 1 || ABS (want.size.height - got.size.height) > 1)
    g_error ("%s: libadwaita puts it at %.0f,%.0f %.0fx%.0f, SesameRowLayout at %.0f,%.0f %.0fx%.0f",
             what,
             want.origin.x, want.origin.y, want.size.width, want.size.height,
             got.origin.x, got.origin.y, got.size.width, got.size.height);
}

static void
assert_pair_alike (Pair       *pair,
                   const char *subtitle)
{
  GtkWidget *want = pair->rows[0];
  GtkWidget *got = pair->rows[1];
  const struct {
    const char *what;
    GType       type;
    const char *text;
  } parts[] = {
    { "the title", GTK_TYPE_LABEL, TITLE },
    { "the subtitle", GTK_TYPE_LABEL, subtitle },
    { "the icon", GTK_TYPE_IMAGE, NULL },
    { "the button", GTK_TYPE_BUTTON, NULL },
  };

  assert_same_place ("the row",
                     GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (want), gtk_widget_get_height (want)),
                     GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (got), gtk_widget_get_height (got)));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    assert_same_place (parts[i].what,
                       place (want, gui_test_find (want, parts[i].type, parts[i].text)),
                       place (got, gui_test_find (got, parts[i].type, parts[i].text)));
}

static void
set_subtitle (GtkWidget  *row,
              const char *subtitle)
{
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
check_alike (GType            type,
             GtkTextDirection direction)
{
  /* Several lines of subtitle, two, one */
  const int widths[] = { 300, 520, 1100 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      Pair pair;
      int lines_height;

      g_test_message ("%s, %d px, %s", g_type_name (type), widths[w],
                      direction == GTK_TEXT_DIR_RTL ? "right to left" : "left to right");
      pair_open (&pair, type, widths[w], direction);
      assert_pair_alike (&pair, SUBTITLE);

      /* The narrow row wraps its subtitle: it is the case that counts */
      lines_height = gtk_widget_get_height (gui_test_find (pair.rows[1], GTK_TYPE_LABEL, SUBTITLE));
      if (widths[w] == 300)
        g_assert_cmpint (lines_height, >, 2 * gtk_widget_get_height (gui_test_find (pair.rows[1], GTK_TYPE_LABEL, TITLE)));

      /* The text changes as the checks come in: both rows follow */
      for (guint i = 0; i < G_N_ELEMENTS (pair.rows); i++)
        set_subtitle (pair.rows[i], SUBTITLE_CHANGED);
      gui_test_iterate (200);
      assert_pair_alike (&pair, SUBTITLE_CHANGED);

      pair_close (&pair);
    }
}

static void
test_action_row (void)
{
  check_alike (ADW_TYPE_ACTION_ROW, GTK_TEXT_DIR_LTR);
  check_alike (ADW_TYPE_ACTION_ROW, GTK_TEXT_DIR_RTL);
}

static void
test_expander_row (void)
{
  check_alike (ADW_TYPE_EXPANDER_ROW, GTK_TEXT_DIR_LTR);
  check_alike (ADW_TYPE_EXPANDER_ROW, GTK_TEXT_DIR_RTL);
}

/* A row not built like an action row is left as it is */
static void
test_other_rows (void)
{
  g_autoptr(GtkWidget) entry = g_object_ref_sink (adw_entry_row_new ());
  GtkWidget *child = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (entry));
  GtkLayoutManager *before = child != NULL ? gtk_widget_get_layout_manager (child) : NULL;

  g_assert_false (sesame_row_layout_install (ADW_PREFERENCES_ROW (entry)));
  if (child != NULL)
    g_assert_true (gtk_widget_get_layout_manager (child) == before);
}

void
gui_test_add_row_layout_tests (void)
{
  g_test_add_func ("/gui/checks/row-layout-action-row", test_action_row);
  g_test_add_func ("/gui/checks/row-layout-expander-row", test_expander_row);
  g_test_add_func ("/gui/checks/row-layout-other-rows", test_other_rows);
}
