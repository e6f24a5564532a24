/* sesame-row-layout.c
 *
 * The header of libadwaita's rows (AdwActionRow, and the action row at the
 * top of an AdwExpanderRow) is a horizontal GtkBox: prefixes, an icon, the
 * title and subtitle in a vertical box, suffixes. To find how tall it is
 * for a width, GTK 4.8's GtkBoxLayout first searches for the width each
 * height-for-width child needs at each of a range of heights, and a
 * wrapping GtkLabel answers a width for a height with a search of its own:
 * dozens of Pango layouts of the same text for each label, every time a
 * row's text changes. With the checks page's rows changing as results come
 * in, that alone held the main loop for 50 to 120 ms a frame on a 2-core
 * machine (tests/bench/gui-bench.py).
 *
 * The title box, one label above the other, is asked the same question
 * whenever the header is allocated: GTK asks a child that is centred
 * vertically and whose height depends on its width for its width at the
 * height it gets (gtk_widget_adjust_size_allocation ()), and the vertical
 * GtkBox answers it with the same searches.
 *
 * SesameRowLayout lays out the same children in one pass, as a box does
 * when its children's widths do not depend on their heights: along the
 * row each child gets its minimum, then towards its natural size, and what
 * is left goes to the children that expand (the title box); the header is
 * as tall as its tallest child at its width, the title box as its labels
 * at its width, and either is as wide as without a height. A row looks the
 * same, and measuring it is one layout of each label.
 *
 * sesame_row_layout_install () puts it in place of the header's and the
 * title box's own layouts, and only where the row is built as libadwaita
 * 1.2 builds it: a horizontal GtkBox with the "header" style class as the
 * row's child (for an expander row: the first row of its first list), with
 * a vertical one with the "title" style class in it. Anywhere else it
 * changes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-row-layout"

#include "config.h"

#include "sesame-row-layout.h"

/* libadwaita 1.2's stylesheet: row > box.header { border-spacing: 6px; }
 * and row > box.header > box.title { border-spacing: 3px; }. A layout
 * manager cannot read a CSS property: these are the spaces the boxes had. */
#define HEADER_SPACING 6
#define TITLE_SPACING 3

struct _SesameRowLayout
{
  GtkLayoutManager parent_instance;

  GtkOrientation   orientation;
  int              spacing;
};

enum {
  PROP_0,
  PROP_SPACING,
  /* GtkOrientable, so that the box's own "orientation" still reads */
  PROP_ORIENTATION,
  N_PROPS = PROP_ORIENTATION,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (SesameRowLayout, sesame_row_layout, GTK_TYPE_LAYOUT_MANAGER,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_ORIENTABLE, NULL))

/* The size along the row of each child laid out in @size, in the order of
 * the children (the children in each element's data), as GtkBoxLayout
 * gives them: first each child's minimum, then towards its natural size,
 * then what is left to the children that expand. Side by side, a child's
 * width is taken not to depend on its height; one above the other, a
 * child's height is the one for @cross, the width they share. */
static GArray *
distribute (SesameRowLayout *self,
            GtkWidget       *widget,
            int              size,
            int              cross)
{
  GArray *sizes = g_array_new (FALSE, TRUE, sizeof (GtkRequestedSize));
  int for_size = self->orientation == GTK_ORIENTATION_VERTICAL ? cross : -1;
  int available;
  guint n_expand = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkRequestedSize request = { child, 0, 0 };

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, self->orientation, for_size,
                          &request.minimum_size, &request.natural_size, NULL, NULL);
      g_array_append_val (sizes, request);
      if (gtk_widget_compute_expand (child, self->orientation))
        n_expand++;
    }

  if (sizes->len == 0)
    return sizes;

  available = size - (int) (sizes->len - 1) * self->spacing;
  for (guint i = 0; i < sizes->len; i++)
    available -= g_array_index (sizes, GtkRequestedSize, i).minimum_size;

  /* Less than the children's minimum: GTK has already said so
   * ("allocation too small"); each keeps its minimum */
  if (available <= 0)
    return sizes;

  available = gtk_distribute_natural_allocation (available, sizes->len,
                                                 (GtkRequestedSize *) (gpointer) sizes->data);
  if (available > 0 && n_expand > 0)
    {
      int share = available / (int) n_expand;
      int extra = available % (int) n_expand;

      for (guint i = 0; i < sizes->len; i++)
        {
          GtkRequestedSize *request = &g_array_index (sizes, GtkRequestedSize, i);

          if (!gtk_widget_compute_expand (request->data, self->orientation))
            continue;

          request->minimum_size += share;
          if (extra > 0)
            {
              request->minimum_size++;
              extra--;
            }
        }
    }

  return sizes;
}

static GtkSizeRequestMode
sesame_row_layout_get_request_mode (GtkLayoutManager *manager,
                                    GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
sesame_row_layout_measure (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           GtkOrientation    orientation,
                           int               for_size,
                           int              *minimum,
                           int              *natural,
                           int              *minimum_baseline,
                           int              *natural_baseline)
{
  SesameRowLayout *self = SESAME_ROW_LAYOUT (manager);
  /* The children's heights depend on their widths, never the other way */
  int child_for_size = orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1;
  int min = 0;
  int nat = 0;

  if (orientation == GTK_ORIENTATION_VERTICAL && self->orientation == GTK_ORIENTATION_HORIZONTAL &&
      for_size >= 0)
    {
      /* Side by side: as tall as the tallest child at the width it gets */
      g_autoptr(GArray) sizes = distribute (self, widget, for_size, -1);

      for (guint i = 0; i < sizes->len; i++)
        {
          const GtkRequestedSize *request = &g_array_index (sizes, GtkRequestedSize, i);
          int child_min, child_nat;

          gtk_widget_measure (request->data, GTK_ORIENTATION_VERTICAL, request->minimum_size,
                              &child_min, &child_nat, NULL, NULL);
          min = MAX (min, child_min);
          nat = MAX (nat, child_nat);
        }
    }
  else
    {
      /* Along the row, the sum of the children; across it, the largest */
      guint n = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min, child_nat;

          if (!gtk_widget_should_layout (child))
            continue;

          gtk_widget_measure (child, orientation, child_for_size, &child_min, &child_nat, NULL, NULL);
          if (orientation == self->orientation)
            {
              min += child_min;
              nat += child_nat;
            }
          else
            {
              min = MAX (min, child_min);
              nat = MAX (nat, child_nat);
            }
          n++;
        }
      if (orientation == self->orientation && n > 1)
        {
          min += (int) (n - 1) * self->spacing;
          nat += (int) (n - 1) * self->spacing;
        }
    }

  *minimum = min;
  *natural = nat;
  *minimum_baseline = -1;
  *natural_baseline = -1;
}

static void
sesame_row_layout_allocate (GtkLayoutManager *manager,
                            GtkWidget        *widget,
                            int               width,
                            int               height,
                            int               baseline)
{
  SesameRowLayout *self = SESAME_ROW_LAYOUT (manager);
  gboolean horizontal = self->orientation == GTK_ORIENTATION_HORIZONTAL;
  g_autoptr(GArray) sizes = distribute (self, widget, horizontal ? width : height, horizontal ? -1 : width);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int position = 0;

  for (guint i = 0; i < sizes->len; i++)
    {
      const GtkRequestedSize *request = &g_array_index (sizes, GtkRequestedSize, i);
      GtkAllocation allocation;

      if (horizontal)
        allocation = (GtkAllocation) {
          rtl ? width - position - request->minimum_size : position, 0, request->minimum_size, height
        };
      else
        allocation = (GtkAllocation) { 0, position, width, request->minimum_size };

      /* Each child places itself across the row by its own alignment */
      gtk_widget_size_allocate (request->data, &allocation, -1);
      position += request->minimum_size + self->spacing;
    }
}

static void
sesame_row_layout_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SesameRowLayout *self = SESAME_ROW_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_ORIENTATION:
      g_value_set_enum (value, self->orientation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_row_layout_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SesameRowLayout *self = SESAME_ROW_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      self->spacing = g_value_get_int (value);
      break;
    case PROP_ORIENTATION:
      if (self->orientation != (GtkOrientation) g_value_get_enum (value))
        {
          self->orientation = g_value_get_enum (value);
          gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_row_layout_class_init (SesameRowLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->get_property = sesame_row_layout_get_property;
  object_class->set_property = sesame_row_layout_set_property;

  layout_class->get_request_mode = sesame_row_layout_get_request_mode;
  layout_class->measure = sesame_row_layout_measure;
  layout_class->allocate = sesame_row_layout_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_ORIENTATION, "orientation");
}

static void
sesame_row_layout_init (SesameRowLayout *self)
{
}

/**
 * sesame_row_layout_new:
 * @orientation: side by side or one above the other
 * @spacing: the space between the children, in pixels
 *
 * Returns: (transfer full): a new #SesameRowLayout
 */
GtkLayoutManager *
sesame_row_layout_new (GtkOrientation orientation,
                       int            spacing)
{
  g_return_val_if_fail (spacing >= 0, NULL);

  return g_object_new (SESAME_TYPE_ROW_LAYOUT,
                       "orientation", orientation,
                       "spacing", spacing,
                       NULL);
}

/* Whether @box is a plain GtkBox of @orientation with @style_class, as
 * libadwaita 1.2 makes a row's header and title boxes */
static gboolean
is_row_box (GtkWidget      *box,
            const char     *style_class,
            GtkOrientation  orientation)
{
  return GTK_IS_BOX (box) &&
         gtk_widget_has_css_class (box, style_class) &&
         !SESAME_IS_ROW_LAYOUT (gtk_widget_get_layout_manager (box)) &&
         gtk_orientable_get_orientation (GTK_ORIENTABLE (box)) == orientation &&
         !gtk_box_get_homogeneous (GTK_BOX (box)) &&
         gtk_box_get_spacing (GTK_BOX (box)) == 0;
}

/**
 * sesame_row_layout_install:
 * @row: an #AdwActionRow or #AdwExpanderRow
 *
 * Lays out @row's header and its title box with #SesameRowLayout (see the
 * top of this file), if they are built as libadwaita 1.2 builds them.
 *
 * Returns: whether @row's header and title are laid out by #SesameRowLayout
 */
gboolean
sesame_row_layout_install (AdwPreferencesRow *row)
{
  GtkWidget *header;
  GtkWidget *title = NULL;

  g_return_val_if_fail (ADW_IS_PREFERENCES_ROW (row), FALSE);

  if (ADW_IS_EXPANDER_ROW (row))
    {
      /* Its header is an action row, the first row of its first list */
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *list = box != NULL ? gtk_widget_get_first_child (box) : NULL;
      GtkListBoxRow *action = GTK_IS_LIST_BOX (list) ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0) : NULL;

      if (!ADW_IS_ACTION_ROW (action))
        {
          g_debug ("%s: no action row at the top, left as it is", G_OBJECT_TYPE_NAME (row));
          return FALSE;
        }
      return sesame_row_layout_install (ADW_PREFERENCES_ROW (action));
    }

  header = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  if (header != NULL && SESAME_IS_ROW_LAYOUT (gtk_widget_get_layout_manager (header)))
    return TRUE;

  for (GtkWidget *child = header != NULL ? gtk_widget_get_first_child (header) : NULL;
       child != NULL && title == NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_has_css_class (child, "title"))
        title = child;
    }

  if (!ADW_IS_ACTION_ROW (row) ||
      !is_row_box (header, "header", GTK_ORIENTATION_HORIZONTAL) ||
      !is_row_box (title, "title", GTK_ORIENTATION_VERTICAL))
    {
      g_debug ("%s: not a header as libadwaita 1.2 makes it, left as it is", G_OBJECT_TYPE_NAME (row));
      return FALSE;
    }

  gtk_widget_set_layout_manager (header, sesame_row_layout_new (GTK_ORIENTATION_HORIZONTAL, HEADER_SPACING));
  gtk_widget_set_layout_manager (title, sesame_row_layout_new (GTK_ORIENTATION_VERTICAL, TITLE_SPACING));

  return TRUE;
}
