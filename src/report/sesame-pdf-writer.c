/* sesame-pdf-writer.c: the checklist laid out on printed pages
 *
 * The checklist, or the router change checklist (a SesameMigration, in the
 * order and with the titles of its other writers), becomes a list of blocks
 * (a heading, a step, a warning box, a table row), each a small display
 * list of text and shapes measured with Pango at 72 units per inch, so that
 * one unit is one point on paper. The blocks are then put on pages: a block
 * never straddles two pages, a heading stays with what follows it, and a
 * table row that starts a page brings its table's header row along. Drawing
 * a page replays its blocks on any cairo_t whose user space is the paper in
 * points: a PDF surface here, a GtkPrintContext in the GUI.
 *
 * Over 1,000 lines because the layout (blocks, measuring, page breaks)
 * and the drawing of each kind of section share the block and page
 * structures; the order and words come from the outline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-pdf-writer"

#include "config.h"

#include <string.h>

#ifdef __GLIBC__
#include <langinfo.h>
#include <stdint.h>
#endif

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "sesame-pdf-writer.h"
#include "sesame-text-document.h"

#define MM             (72.0 / 25.4)
#define MARGIN         (18.0 * MM)
#define FOOTER_OFFSET  (6.0 * MM)     /* from the bottom of the body to the footer text */

#define CELL_PAD_X     4.0
#define CELL_PAD_Y     2.2
#define TICK_SIZE      8.5
#define BOX_PAD        7.0
#define BOX_BAR        3.5
#define CODE_PAD       4.0
#define BULLET_GUTTER  14.0

#define COLOR_TEXT     0x1e1e1eu
#define COLOR_MUTED    0x5e5c64u
#define COLOR_RULE     0x9a9996u
#define COLOR_HEADER   0xebebebu
#define COLOR_CODE_BG  0xf4f4f4u
#define COLOR_CODE_BD  0xd0d0d0u
#define COLOR_WARN_BG  0xfdf6e3u
#define COLOR_WARN     0xc98a00u
#define COLOR_CRIT_BG  0xfbe9ebu
#define COLOR_CRIT     0xc01c28u
#define COLOR_NOTE_BG  0xeef4fbu
#define COLOR_NOTE     0x1c71d8u

static const SesamePaper papers[] = {
  { "a4", 210.0 * MM, 297.0 * MM },
  { "letter", 612.0, 792.0 },
};

/* Japanese first for Japanese text, so that Han characters and the
 * punctuation take their Japanese forms; Latin first for English, so that
 * quotes and apostrophes keep their proportional forms. Fontconfig fills
 * in "sans-serif" when none of these is installed. */
static const char sans_ja[] = "Noto Sans CJK JP,Noto Sans,DejaVu Sans,sans-serif";
static const char sans_en[] = "Noto Sans,DejaVu Sans,Noto Sans CJK JP,sans-serif";
static const char mono[] = "Noto Sans Mono CJK JP,DejaVu Sans Mono,monospace";

typedef enum
{
  FONT_BODY,
  FONT_BODY_BOLD,
  FONT_TITLE,
  FONT_HEADING,
  FONT_SMALL,
  FONT_TABLE,
  FONT_TABLE_BOLD,
  FONT_CODE,
  N_FONTS
} Font;

static const struct {
  double   size;
  gboolean bold;
  gboolean monospace;
} font_styles[N_FONTS] = {
  [FONT_BODY] = { 10.0, FALSE, FALSE },
  [FONT_BODY_BOLD] = { 10.0, TRUE, FALSE },
  [FONT_TITLE] = { 17.0, TRUE, FALSE },
  [FONT_HEADING] = { 12.5, TRUE, FALSE },
  [FONT_SMALL] = { 8.0, FALSE, FALSE },
  [FONT_TABLE] = { 9.0, FALSE, FALSE },
  [FONT_TABLE_BOLD] = { 9.0, TRUE, FALSE },
  [FONT_CODE] = { 8.5, FALSE, TRUE },
};

typedef enum
{
  OP_TEXT,
  OP_FILL,
  OP_STROKE,
  OP_LINE,
  OP_ALERT,
} OpKind;

/* One thing to draw, relative to the top left corner of its block */
typedef struct
{
  OpKind       kind;
  double       x;
  double       y;
  double       width;
  double       height;
  double       line_width;
  guint32      color;
  PangoLayout *layout;       /* OP_TEXT only */
} Op;

typedef struct _Block Block;

/* What must stay on one page */
struct _Block
{
  GArray   *ops;             /* element-type Op */
  double    height;
  double    space_before;    /* dropped at the top of a page */
  gboolean  keep_with_next;
  Block    *header;          /* nullable: a table's header row, repeated when this row starts a page */
};

typedef struct
{
  Block *block;
  guint  page;
  double y;                  /* from the top of the body */
} Placement;

#define MAX_COLUMNS 7

typedef struct
{
  guint    n_columns;
  gboolean tick;             /* the first column holds a tick box */
  double   x[MAX_COLUMNS];
  double   width[MAX_COLUMNS];
} Columns;

struct _SesamePdfWriter
{
  GObject               parent_instance;

  SesameChecklist      *checklist;     /* the new router's, for a router change */
  SesameMigration      *migration;     /* nullable: for the router change checklist */
  SesameTranslation    *tr;
  const char           *title;         /* the checklist's or the router change's */
  SesamePaper           paper;
  char                 *paper_name;    /* nullable */
  char                 *date;          /* nullable: "2024-05-01" */
  char                 *timestamp;     /* nullable: "2024-05-01T09:30:00Z", for the metadata */

  PangoContext         *context;
  PangoFontDescription *fonts[N_FONTS];

  double                line_height;   /* a multiple of the font size; 0 for the font's own */
  double                body_width;
  double                body_height;
  guint                 section;

  GPtrArray            *blocks;        /* element-type Block */
  GArray               *placements;    /* element-type Placement, in page order */
  GPtrArray            *footers;       /* element-type PangoLayout: "Page 1 of 2", one per page */
  PangoLayout          *footer_title;
  guint                 n_pages;
  guint                 unknown_glyphs;
};

G_DEFINE_FINAL_TYPE (SesamePdfWriter, sesame_pdf_writer, G_TYPE_OBJECT)

G_DEFINE_QUARK (sesame-pdf-writer-error-quark, sesame_pdf_writer_error)

/**
 * sesame_paper_lookup:
 * @name: "a4" or "letter"
 *
 * Returns: (nullable): the paper called @name, or %NULL when Sesame does not know it
 */
const SesamePaper *
sesame_paper_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    {
      if (g_ascii_strcasecmp (name, papers[i].name) == 0)
        return &papers[i];
    }

  return NULL;
}

/**
 * sesame_paper_get_default:
 *
 * The paper of the process locale's LC_PAPER: US Letter where the locale
 * says so (216 mm wide, as in the United States, Canada, Mexico, the
 * Philippines), A4 everywhere else and when the C library cannot tell.
 *
 * Returns: (transfer none): A4 or US Letter
 */
const SesamePaper *
sesame_paper_get_default (void)
{
#ifdef __GLIBC__
  int width = (int) (intptr_t) nl_langinfo (_NL_PAPER_WIDTH);

  /* Letter is 216 x 279; Legal (216 x 356) locales print on Letter too */
  if (width == 216)
    return &papers[1];
#endif

  return &papers[0];
}

static void
op_clear (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->layout);
}

static Block *
block_new (double space_before)
{
  Block *block = g_new0 (Block, 1);

  block->ops = g_array_new (FALSE, TRUE, sizeof (Op));
  g_array_set_clear_func (block->ops, op_clear);
  block->space_before = space_before;

  return block;
}

static void
block_free (gpointer data)
{
  Block *block = data;

  g_array_unref (block->ops);
  g_free (block);
}

static void
block_add_text (Block       *block,
                PangoLayout *layout,
                double       x,
                double       y,
                guint32      color)
{
  Op op = { OP_TEXT, x, y, 0, 0, 0, color, g_object_ref (layout) };

  g_array_append_val (block->ops, op);
}

static void
block_add_shape (Block   *block,
                 OpKind   kind,
                 double   x,
                 double   y,
                 double   width,
                 double   height,
                 double   line_width,
                 guint32  color)
{
  Op op = { kind, x, y, width, height, line_width, color, NULL };

  g_assert (kind != OP_TEXT);
  g_array_append_val (block->ops, op);
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_size (layout, &width, NULL);
  return (double) width / PANGO_SCALE;
}

/* From the top of @layout to the baseline of its first line */
static double
first_baseline (PangoLayout *layout)
{
  return (double) pango_layout_get_baseline (layout) / PANGO_SCALE;
}

/* The height of the first line, to line things up with it */
static double
first_line_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_line_get_extents (pango_layout_get_line_readonly (layout, 0), NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

/* A layout for measuring only: not drawn, so not counted */
static PangoLayout *
measure_layout (SesamePdfWriter *self,
                const char      *text,
                Font             font)
{
  PangoLayout *layout = pango_layout_new (self->context);

  pango_layout_set_font_description (layout, self->fonts[font]);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

/* A layout that will be drawn; @width <= 0 for one that does not wrap */
static PangoLayout *
text_layout (SesamePdfWriter *self,
             const char      *text,
             Font             font,
             double           width,
             PangoAttrList   *attrs)
{
  PangoLayout *layout = pango_layout_new (self->context);

  pango_layout_set_font_description (layout, self->fonts[font]);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, pango_units_from_double (width));
  pango_layout_set_text (layout, text, -1);

  /* Lines that fall back to a taller font for a few characters (Japanese
   * menu names in English text) keep the same spacing as the others */
  if (self->line_height > 0 && !font_styles[font].monospace)
    {
      g_autoptr(PangoAttrList) list = attrs != NULL ? pango_attr_list_copy (attrs) : pango_attr_list_new ();
      double height = font_styles[font].size * self->line_height;

      pango_attr_list_insert_before (list, pango_attr_line_height_new_absolute ((int) (height * PANGO_SCALE)));
      pango_layout_set_attributes (layout, list);
    }
  else if (attrs != NULL)
    pango_layout_set_attributes (layout, attrs);

  self->unknown_glyphs += (guint) pango_layout_get_unknown_glyphs_count (layout);

  return layout;
}

static Block *
add_block (SesamePdfWriter *self,
           double           space_before)
{
  Block *block = block_new (space_before);

  g_ptr_array_add (self->blocks, block);
  return block;
}

static Block *
add_paragraph (SesamePdfWriter *self,
               const char      *text,
               Font             font,
               guint32          color,
               double           space_before)
{
  Block *block = add_block (self, space_before);
  g_autoptr(PangoLayout) layout = text_layout (self, text, font, self->body_width, NULL);

  block_add_text (block, layout, 0, 0, color);
  block->height = layout_height (layout);

  return block;
}

static void
add_heading (SesamePdfWriter *self,
             const char      *text,
             gboolean         numbered)
{
  g_autofree char *title = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  Block *block = add_block (self, 14.0);

  if (numbered)
    title = g_strdup_printf ("%u. %s", ++self->section, text);
  else
    title = g_strdup (text);

  layout = text_layout (self, title, FONT_HEADING, self->body_width, NULL);
  block_add_text (block, layout, 0, 0, COLOR_TEXT);
  block->height = layout_height (layout) + 3.0;
  block_add_shape (block, OP_LINE, 0, block->height - 0.5, self->body_width, 0, 0.6, COLOR_RULE);
  block->keep_with_next = TRUE;
}

/* The title, the date, then each label beside its value */
static void
add_header (SesamePdfWriter    *self,
            const char * const *labels,
            const char * const *values,
            guint               n)
{
  double label_width = 0;
  double y = 0;
  Block *block;

  add_paragraph (self, self->title, FONT_TITLE, COLOR_TEXT, 0);

  if (self->date != NULL)
    {
      /* Translators: under the title of the printed checklist, "Made on 2024-05-01" */
      g_autofree char *made = g_strdup_printf (T_ (self->tr, "Made on %s"), self->date);

      add_paragraph (self, made, FONT_SMALL, COLOR_MUTED, 2.0);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PangoLayout) measure = measure_layout (self, labels[i], FONT_BODY_BOLD);

      label_width = MAX (label_width, layout_width (measure));
    }
  label_width = MIN (label_width + 12.0, self->body_width / 3);

  block = add_block (self, 10.0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PangoLayout) label = text_layout (self, labels[i], FONT_BODY_BOLD, label_width - 6.0, NULL);
      g_autoptr(PangoLayout) value = text_layout (self, values[i], FONT_BODY, self->body_width - label_width, NULL);
      double baseline = MAX (first_baseline (label), first_baseline (value));
      double label_y = y + baseline - first_baseline (label);
      double value_y = y + baseline - first_baseline (value);

      block_add_text (block, label, 0, label_y, COLOR_TEXT);
      block_add_text (block, value, label_width, value_y, COLOR_TEXT);
      y = MAX (label_y + layout_height (label), value_y + layout_height (value)) + 1.0;
    }
  block->height = y;
}

static void
set_source (cairo_t *cr,
            guint32  color)
{
  cairo_set_source_rgb (cr,
                        ((color >> 16) & 0xff) / 255.0,
                        ((color >> 8) & 0xff) / 255.0,
                        (color & 0xff) / 255.0);
}

/* A red warning sign, drawn rather than typed so that no font needs it */
static void
draw_alert (cairo_t *cr,
            double   x,
            double   y,
            double   size,
            guint32  color)
{
  double cx = x + size / 2;

  set_source (cr, color);
  cairo_move_to (cr, cx, y);
  cairo_line_to (cr, x + size, y + size * 0.9);
  cairo_line_to (cr, x, y + size * 0.9);
  cairo_close_path (cr);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, cx - size * 0.06, y + size * 0.3, size * 0.12, size * 0.32);
  cairo_fill (cr);
  cairo_arc (cr, cx, y + size * 0.73, size * 0.07, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* A box around a warning or a conflict: a label, the text, the advice */
static void
add_box (SesamePdfWriter *self,
         SesameSeverity   severity,
         const char      *label,
         const char      *text,
         const char      *advice)
{
  Block *block = add_block (self, 6.0);
  double x = BOX_BAR + BOX_PAD;
  double width = self->body_width - x - BOX_PAD;
  double label_x = x;
  double y = BOX_PAD;
  guint32 color;
  guint32 background;
  g_autoptr(PangoLayout) label_layout = NULL;
  g_autoptr(PangoLayout) text_layout_ = NULL;

  switch (severity)
    {
    case SESAME_SEVERITY_CRITICAL:
      color = COLOR_CRIT;
      background = COLOR_CRIT_BG;
      break;
    case SESAME_SEVERITY_WARNING:
      color = COLOR_WARN;
      background = COLOR_WARN_BG;
      break;
    case SESAME_SEVERITY_INFO:
    default:
      color = COLOR_NOTE;
      background = COLOR_NOTE_BG;
      break;
    }

  /* Filled first: the text goes on top */
  block_add_shape (block, OP_FILL, 0, 0, self->body_width, 0, 0, background);
  block_add_shape (block, OP_FILL, 0, 0, BOX_BAR, 0, 0, color);

  label_layout = text_layout (self, label, FONT_BODY_BOLD, 0, NULL);
  if (severity == SESAME_SEVERITY_CRITICAL)
    {
      double size = first_line_height (label_layout) * 0.75;

      block_add_shape (block, OP_ALERT, x, y + (first_line_height (label_layout) - size) / 2,
                       size, size, 0, color);
      label_x += size + 5.0;
    }
  block_add_text (block, label_layout, label_x, y, color);
  y += layout_height (label_layout) + 1.0;

  text_layout_ = text_layout (self, text, FONT_BODY, width, NULL);
  block_add_text (block, text_layout_, x, y, COLOR_TEXT);
  y += layout_height (text_layout_);

  if (advice != NULL)
    {
      const char *instead = T_ (self->tr, "What to do instead");
      g_autofree char *line = g_strconcat (instead, ": ", advice, NULL);
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
      g_autoptr(PangoLayout) advice_layout = NULL;
      PangoAttribute *bold = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

      bold->start_index = 0;
      bold->end_index = (guint) strlen (instead) + 1;
      pango_attr_list_insert (attrs, bold);

      advice_layout = text_layout (self, line, FONT_BODY, width, attrs);
      y += 3.0;
      block_add_text (block, advice_layout, x, y, COLOR_TEXT);
      y += layout_height (advice_layout);
    }

  block->height = y + BOX_PAD;

  /* Now that the height is known */
  g_array_index (block->ops, Op, 0).height = block->height;
  g_array_index (block->ops, Op, 1).height = block->height;
  if (severity == SESAME_SEVERITY_CRITICAL)
    block_add_shape (block, OP_STROKE, 0, 0, self->body_width, block->height, 1.0, color);
}

static void
add_warnings (SesamePdfWriter *self,
              GPtrArray       *warnings,
              GPtrArray       *conflicts)
{

  for (guint i = 0; i < conflicts->len; i++)
    {
      const SesameConflict *conflict = g_ptr_array_index (conflicts, i);

      add_box (self, SESAME_SEVERITY_CRITICAL, TC_ (self->tr, "severity", "Conflict"), conflict->text, NULL);
    }

  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);

      add_box (self, warning->severity, sesame_severity_label (self->tr, warning->severity),
               warning->text, warning->advice);
    }
}

/* What the checks found, before anything else: blockers first */
static void
add_findings (SesamePdfWriter *self,
              GPtrArray       *findings)
{

  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);
      SesameSeverity severity = sesame_finding_alert_severity (finding);

      if (!sesame_finding_shown (finding))
        continue;

      if (finding->explanation != NULL)
        {
          g_autofree char *text = g_strconcat (finding->text, "\n", finding->explanation, NULL);

          add_box (self, severity, finding->title, text, finding->action);
        }
      else
        add_box (self, severity, finding->title, finding->text, finding->action);
    }
}

/* One item of a list: @marker in the gutter, on the baseline of the
 * text's first line, however tall that is */
static Block *
add_item (SesamePdfWriter *self,
          const char      *marker,
          Font             marker_font,
          const char      *text,
          double           gutter,
          double           space_before)
{
  g_autoptr(PangoLayout) marker_layout = text_layout (self, marker, marker_font, 0, NULL);
  g_autoptr(PangoLayout) layout = text_layout (self, text, FONT_BODY, self->body_width - gutter, NULL);
  Block *block = add_block (self, space_before);
  double baseline = MAX (first_baseline (marker_layout), first_baseline (layout));

  block_add_text (block, marker_layout, 0, baseline - first_baseline (marker_layout), COLOR_TEXT);
  block_add_text (block, layout, gutter, baseline - first_baseline (layout), COLOR_TEXT);
  block->height = baseline - first_baseline (layout) + layout_height (layout);

  return block;
}

static void
add_steps (SesamePdfWriter *self,
           GPtrArray       *steps)
{
  double gutter = 0;

  for (guint i = 0; i < steps->len; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u.%u", self->section, i + 1);
      g_autoptr(PangoLayout) measure = measure_layout (self, number, FONT_BODY_BOLD);

      gutter = MAX (gutter, layout_width (measure) + 7.0);
    }
  gutter = MAX (gutter, 24.0);

  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);
      g_autofree char *number = g_strdup_printf ("%u.%u", self->section, i + 1);
      Block *block = add_item (self, number, FONT_BODY_BOLD, step->text, gutter, i == 0 ? 7.0 : 4.0);

      if (step->command != NULL)
        {
          double width = self->body_width - gutter;
          g_autoptr(PangoLayout) code = text_layout (self, step->command, FONT_CODE, width - 2 * CODE_PAD, NULL);
          double y = block->height + 3.0;
          double height = layout_height (code) + 2 * CODE_PAD;

          block_add_shape (block, OP_FILL, gutter, y, width, height, 0, COLOR_CODE_BG);
          block_add_shape (block, OP_STROKE, gutter, y, width, height, 0.5, COLOR_CODE_BD);
          block_add_text (block, code, gutter + CODE_PAD, y + CODE_PAD, COLOR_TEXT);
          block->height = y + height;
        }
    }
}

/* Column widths for @rows (element-type GStrv, the header first): every
 * column but the last as wide as its widest cell, the last takes the rest.
 * When that leaves the last too little room, the others shrink and wrap. */
static void
columns_measure (SesamePdfWriter *self,
                 Columns         *columns,
                 GPtrArray       *rows)
{
  guint n = columns->n_columns;
  double natural[MAX_COLUMNS] = { 0 };
  double fixed = 0;
  double x = 0;

  g_assert (n >= 2 && n <= MAX_COLUMNS);

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      for (guint c = 0; c < n - 1; c++)
        {
          g_autoptr(PangoLayout) measure = NULL;

          if (r > 0 && c == 0 && columns->tick)
            continue;

          measure = measure_layout (self, cells[c], r == 0 ? FONT_TABLE_BOLD : FONT_TABLE);
          natural[c] = MAX (natural[c], layout_width (measure) + 2 * CELL_PAD_X + 1.0);
        }
    }

  if (columns->tick)
    natural[0] = MAX (natural[0], TICK_SIZE + 2 * CELL_PAD_X + 4.0);

  for (guint c = 0; c < n - 1; c++)
    fixed += natural[c];

  /* The last column keeps at least a quarter of the width */
  if (fixed > self->body_width * 0.75)
    {
      double scale = self->body_width * 0.75 / fixed;

      for (guint c = 0; c < n - 1; c++)
        natural[c] *= scale;
      fixed = self->body_width * 0.75;
    }
  natural[n - 1] = self->body_width - fixed;

  for (guint c = 0; c < n; c++)
    {
      columns->x[c] = x;
      columns->width[c] = natural[c];
      x += natural[c];
    }
}

static Block *
add_row (SesamePdfWriter *self,
         const Columns   *columns,
         char           **cells,
         gboolean         header)
{
  Block *block = add_block (self, header ? 8.0 : 0.0);
  PangoLayout *layouts[MAX_COLUMNS] = { NULL };
  double offsets[MAX_COLUMNS] = { 0 };
  double baseline = 0;
  double height = 0;

  for (guint c = 0; c < columns->n_columns; c++)
    {
      if (!header && c == 0 && columns->tick)
        continue;

      layouts[c] = text_layout (self, cells[c], header ? FONT_TABLE_BOLD : FONT_TABLE,
                                columns->width[c] - 2 * CELL_PAD_X, NULL);
      baseline = MAX (baseline, first_baseline (layouts[c]));
    }

  /* Every cell's first line on the same baseline */
  for (guint c = 0; c < columns->n_columns; c++)
    {
      if (layouts[c] == NULL)
        continue;

      offsets[c] = baseline - first_baseline (layouts[c]);
      height = MAX (height, offsets[c] + layout_height (layouts[c]));
    }
  block->height = height + 2 * CELL_PAD_Y;

  if (header)
    block_add_shape (block, OP_FILL, 0, 0, self->body_width, block->height, 0, COLOR_HEADER);

  for (guint c = 0; c < columns->n_columns; c++)
    {
      if (layouts[c] != NULL)
        block_add_text (block, layouts[c], columns->x[c] + CELL_PAD_X, CELL_PAD_Y + offsets[c], COLOR_TEXT);
      if (c > 0)
        block_add_shape (block, OP_LINE, columns->x[c], 0, 0, block->height, 0.5, COLOR_RULE);
    }

  /* An empty square to tick with a pen, centred on the first line */
  if (!header && columns->tick)
    {
      guint c = layouts[1] != NULL ? 1 : columns->n_columns - 1;
      double line = first_line_height (layouts[c]);
      double x = columns->x[0] + (columns->width[0] - TICK_SIZE) / 2;
      double y = CELL_PAD_Y + offsets[c] + (line - TICK_SIZE) / 2;

      block_add_shape (block, OP_STROKE, x, y, TICK_SIZE, TICK_SIZE, 0.8, COLOR_TEXT);
    }

  block_add_shape (block, OP_STROKE, 0, 0, self->body_width, block->height, 0.5, COLOR_RULE);

  for (guint c = 0; c < columns->n_columns; c++)
    g_clear_object (&layouts[c]);

  return block;
}

static void
add_table (SesamePdfWriter *self,
           const Columns   *columns,
           GPtrArray       *rows)
{
  Block *header = add_row (self, columns, g_ptr_array_index (rows, 0), TRUE);

  header->keep_with_next = TRUE;

  for (guint r = 1; r < rows->len; r++)
    {
      Block *row = add_row (self, columns, g_ptr_array_index (rows, r), FALSE);

      row->header = header;
      /* No row left alone on a page, before or after a break */
      row->keep_with_next = (r == 1 || r == rows->len - 2) && r + 1 < rows->len;
    }
}

/* Forwarding rows with a tick box each */
static void
add_forwards (SesamePdfWriter *self,
              GPtrArray       *forwards)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gboolean judged = self->migration == NULL && sesame_checklist_get_findings (self->checklist) != NULL;
  Columns columns = { judged ? 7 : 6, TRUE, { 0 }, { 0 } };
  char **header;

  if (forwards->len == 0)
    return;

  header = g_new0 (char *, 8);
  header[0] = g_strdup (TC_ (self->tr, "column", "Done"));
  header[1] = g_strdup (TC_ (self->tr, "column", "Protocol"));
  header[2] = g_strdup (TC_ (self->tr, "column", "External port"));
  header[3] = g_strdup (TC_ (self->tr, "column", "Server address"));
  header[4] = g_strdup (TC_ (self->tr, "column", "Internal port"));
  header[5] = g_strdup (TC_ (self->tr, "column", "For"));
  if (judged)
    header[6] = g_strdup (TC_ (self->tr, "column", "Can it work?"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      char **cells = g_new0 (char *, 8);

      cells[0] = g_strdup ("");
      cells[1] = g_strdup (sesame_checklist_format_protocol (self->checklist, forward->protocol));
      cells[2] = sesame_port_range_to_string (&forward->external);
      cells[3] = g_strdup (forward->internal_address);
      cells[4] = sesame_port_range_to_string (&forward->internal);
      cells[5] = sesame_checklist_join_names (self->checklist, forward->names);
      if (judged)
        cells[6] = sesame_forward_works_text (self->checklist, forward);
      g_ptr_array_add (rows, cells);
    }

  columns_measure (self, &columns, rows);
  add_table (self, &columns, rows);
}

static GPtrArray *
group_rows (SesamePdfWriter *self,
            GPtrArray       *groups)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header = g_new0 (char *, 4);

  header[0] = g_strdup (TC_ (self->tr, "column", "Protocol"));
  header[1] = g_strdup (TC_ (self->tr, "column", "Ports"));
  header[2] = g_strdup (TC_ (self->tr, "column", "For"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);
      char **cells = g_new0 (char *, 4);

      cells[0] = g_strdup (sesame_checklist_format_protocol (self->checklist, group->protocol));
      cells[1] = sesame_port_range_to_string (&group->ports);
      cells[2] = sesame_checklist_join_names (self->checklist, group->names);
      g_ptr_array_add (rows, cells);
    }

  return rows;
}

/* The lists of ports not to forward: one set of column widths for their
 * tables, so that they line up */
static void
add_group_lists (SesamePdfWriter *self,
                 GArray          *lists)
{
  g_autoptr(GPtrArray) all_rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  Columns columns = { 3, FALSE, { 0 }, { 0 } };

  for (guint l = 0; l < lists->len; l++)
    {
      GPtrArray *list_rows = group_rows (self, g_array_index (lists, SesameGroupList, l).groups);

      g_ptr_array_add (rows, list_rows);
      for (guint r = 0; r < list_rows->len; r++)
        g_ptr_array_add (all_rows, g_ptr_array_index (list_rows, r));
    }
  columns_measure (self, &columns, all_rows);

  for (guint l = 0; l < lists->len; l++)
    {
      Block *intro = add_paragraph (self, g_array_index (lists, SesameGroupList, l).intro,
                                    FONT_BODY, COLOR_TEXT, 10.0);

      intro->keep_with_next = TRUE;
      add_table (self, &columns, g_ptr_array_index (rows, l));
    }
}

static void
add_extra_table (SesamePdfWriter      *self,
                 const SesamePdfTable *table)
{
  Columns columns = { 0, FALSE, { 0 }, { 0 } };

  g_assert (table->rows != NULL && table->rows->len > 0);

  columns.n_columns = g_strv_length (g_ptr_array_index (table->rows, 0));
  g_return_if_fail (columns.n_columns >= 2 && columns.n_columns <= MAX_COLUMNS);

  add_heading (self, table->title, TRUE);
  if (table->rows->len < 2)
    return;
  columns_measure (self, &columns, table->rows);
  add_table (self, &columns, table->rows);
}

/* What changed since the old plan: one sentence a bullet */
static void
add_changes (SesamePdfWriter *self,
             GPtrArray       *changes,
             const char      *empty_text)
{
  if (changes->len == 0)
    {
      add_paragraph (self, empty_text, FONT_BODY, COLOR_TEXT, 7.0);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (changes, i);

      add_item (self, "•", FONT_BODY, change->text, BULLET_GUTTER, i == 0 ? 7.0 : 4.0);
    }
}

/* How each kind of section looks on paper */
static void
add_outline (SesamePdfWriter     *self,
             const SesameOutline *outline)
{
  add_header (self, (const char * const *) outline->labels->pdata,
              (const char * const *) outline->values->pdata, outline->labels->len);

  for (guint s = 0; s < outline->sections->len; s++)
    {
      const SesameSection *section = g_ptr_array_index (outline->sections, s);

      add_heading (self, section->title, section->numbered);

      /* An introduction stays with what it introduces */
      for (guint i = 0; i < section->paragraphs->len; i++)
        {
          Block *note = add_paragraph (self, g_ptr_array_index (section->paragraphs, i),
                                       FONT_BODY, COLOR_TEXT, 7.0);

          note->keep_with_next = TRUE;
        }

      switch (section->kind)
        {
        case SESAME_SECTION_FINDINGS:
          add_findings (self, section->items);
          break;
        case SESAME_SECTION_WARNINGS:
          add_warnings (self, section->items, section->conflicts);
          break;
        case SESAME_SECTION_CHANGES:
          add_changes (self, section->items, section->empty_text);
          break;
        case SESAME_SECTION_PORT_GROUPS:
          add_group_lists (self, section->lists);
          break;
        case SESAME_SECTION_STEPS:
        default:
          break;
        }

      if (section->steps != NULL)
        add_steps (self, section->steps);
      if (section->forwards != NULL)
        add_forwards (self, section->forwards);
    }
}

static void
build (SesamePdfWriter      *self,
       const SesamePdfTable *tables,
       guint                 n_tables)
{
  g_autoptr(SesameOutline) outline = sesame_checklist_build_outline (self->checklist);

  add_outline (self, outline);

  for (guint i = 0; i < n_tables; i++)
    add_extra_table (self, &tables[i]);
}

/* The router change checklist, as the migration writers write it */
static void
build_migration (SesamePdfWriter *self)
{
  g_autoptr(SesameOutline) outline = sesame_migration_build_outline (self->migration);

  add_outline (self, outline);
}

/* The height from the top of block @i to the bottom of the last block that
 * must stay on the same page as it */
static double
chain_height (SesamePdfWriter *self,
              guint            i)
{
  Block *block = g_ptr_array_index (self->blocks, i);
  double height = block->height;

  while (block->keep_with_next && i + 1 < self->blocks->len)
    {
      block = g_ptr_array_index (self->blocks, ++i);
      height += block->space_before + block->height;
    }

  return height;
}

static void
place (SesamePdfWriter *self,
       Block           *block,
       guint            page,
       double           y)
{
  Placement placement = { block, page, y };

  g_array_append_val (self->placements, placement);
}

static void
paginate (SesamePdfWriter *self)
{
  guint page = 0;
  double y = 0;
  gboolean empty = TRUE;

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);
      double gap = empty ? 0 : block->space_before;
      double need = chain_height (self, i);

      /* A chain that fills more than a page breaks where it must */
      if (need > self->body_height - (block->header != NULL ? block->header->height : 0))
        need = block->height;

      if (!empty && y + gap + need > self->body_height)
        {
          page++;
          y = 0;
          gap = 0;
          empty = TRUE;

          if (block->header != NULL)
            {
              place (self, block->header, page, y);
              y += block->header->height;
              empty = FALSE;
            }
        }

      if (empty && block->height > self->body_height)
        g_debug ("A block of %.0f pt is taller than the page body (%.0f pt)", block->height, self->body_height);

      place (self, block, page, y + gap);
      y += gap + block->height;
      empty = FALSE;
    }

  self->n_pages = page + 1;
}

static void
make_footers (SesamePdfWriter *self)
{
  double title_width = self->body_width * 0.6;

  self->footer_title = text_layout (self, self->title, FONT_SMALL, 0, NULL);
  pango_layout_set_width (self->footer_title, pango_units_from_double (title_width));
  pango_layout_set_ellipsize (self->footer_title, PANGO_ELLIPSIZE_END);

  for (guint i = 0; i < self->n_pages; i++)
    {
      /* Translators: at the foot of each printed page, "Page 1 of 3" */
      g_autofree char *text = g_strdup_printf (T_ (self->tr, "Page %u of %u"), i + 1, self->n_pages);

      g_ptr_array_add (self->footers, text_layout (self, text, FONT_SMALL, 0, NULL));
    }
}

static void
draw_block (cairo_t     *cr,
            const Block *block,
            double       x,
            double       y)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);

  for (guint i = 0; i < block->ops->len; i++)
    {
      const Op *op = &g_array_index (block->ops, Op, i);

      switch (op->kind)
        {
        case OP_TEXT:
          set_source (cr, op->color);
          cairo_move_to (cr, op->x, op->y);
          pango_cairo_show_layout (cr, op->layout);
          break;

        case OP_FILL:
          set_source (cr, op->color);
          cairo_rectangle (cr, op->x, op->y, op->width, op->height);
          cairo_fill (cr);
          break;

        case OP_STROKE:
          /* On the edge: table rows one under the other share theirs */
          set_source (cr, op->color);
          cairo_set_line_width (cr, op->line_width);
          cairo_rectangle (cr, op->x, op->y, op->width, op->height);
          cairo_stroke (cr);
          break;

        case OP_LINE:
          set_source (cr, op->color);
          cairo_set_line_width (cr, op->line_width);
          cairo_move_to (cr, op->x, op->y);
          cairo_line_to (cr, op->x + op->width, op->y + op->height);
          cairo_stroke (cr);
          break;

        case OP_ALERT:
          draw_alert (cr, op->x, op->y, op->width, op->color);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  cairo_restore (cr);
}

static void
sesame_pdf_writer_finalize (GObject *object)
{
  SesamePdfWriter *self = (SesamePdfWriter *) object;

  g_clear_pointer (&self->placements, g_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->footers, g_ptr_array_unref);
  g_clear_object (&self->footer_title);
  for (guint i = 0; i < N_FONTS; i++)
    g_clear_pointer (&self->fonts[i], pango_font_description_free);
  g_clear_object (&self->context);
  g_clear_object (&self->migration);
  g_clear_object (&self->checklist);
  g_free (self->paper_name);
  g_free (self->date);
  g_free (self->timestamp);

  G_OBJECT_CLASS (sesame_pdf_writer_parent_class)->finalize (object);
}

static void
sesame_pdf_writer_class_init (SesamePdfWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sesame_pdf_writer_finalize;
}

static void
sesame_pdf_writer_init (SesamePdfWriter *self)
{
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->placements = g_array_new (FALSE, FALSE, sizeof (Placement));
  self->footers = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Text measured in points, the same on every device: no hinting, no
 * rounding to device pixels */
static void
setup_context (SesamePdfWriter *self,
               const char      *language)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  gboolean japanese = g_str_has_prefix (language, "ja");
  const char *sans = japanese ? sans_ja : sans_en;

  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (self->context, 72.0);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (self->context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (self->context, FALSE);
  pango_context_set_language (self->context, pango_language_from_string (language));
  pango_context_set_base_dir (self->context, PANGO_DIRECTION_LTR);

  /* Latin fonts are set tight for print; Japanese fonts bring their own,
   * looser spacing */
  self->line_height = japanese ? 0 : 1.22;

  for (guint i = 0; i < N_FONTS; i++)
    {
      PangoFontDescription *font = pango_font_description_new ();

      pango_font_description_set_family (font, font_styles[i].monospace ? mono : sans);
      pango_font_description_set_size (font, (int) (font_styles[i].size * PANGO_SCALE));
      pango_font_description_set_weight (font, font_styles[i].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
      self->fonts[i] = font;
    }
}

/* Pages must keep some room inside the margins */
static gboolean
paper_fits (const SesamePaper *paper)
{
  return paper == NULL || (paper->width >= 4 * MARGIN && paper->height >= 4 * MARGIN);
}

/* A writer in @checklist's language, for @paper, with nothing on it yet */
static SesamePdfWriter *
writer_new (SesameChecklist   *checklist,
            const SesamePaper *paper,
            GDateTime         *date)
{
  SesamePdfWriter *self;

  if (paper == NULL)
    paper = sesame_paper_get_default ();

  self = g_object_new (SESAME_TYPE_PDF_WRITER, NULL);
  self->checklist = g_object_ref (checklist);
  self->tr = sesame_checklist_get_translation (checklist);
  self->title = sesame_checklist_get_title (checklist);
  self->paper_name = g_strdup (paper->name);
  self->paper.name = self->paper_name;
  self->paper.width = paper->width;
  self->paper.height = paper->height;
  if (date != NULL)
    {
      self->date = g_date_time_format (date, "%Y-%m-%d");
      self->timestamp = g_date_time_format (date, "%Y-%m-%dT%H:%M:%S%:z");
    }

  self->body_width = paper->width - 2 * MARGIN;
  self->body_height = paper->height - 2 * MARGIN;

  setup_context (self, sesame_checklist_get_language (checklist));

  return self;
}

/* The blocks built, onto pages */
static void
lay_out (SesamePdfWriter *self)
{
  paginate (self);
  make_footers (self);

  g_debug ("%u blocks on %u pages of %.0f x %.0f pt, %u unknown glyphs",
           self->blocks->len, self->n_pages, self->paper.width, self->paper.height, self->unknown_glyphs);
}

/**
 * sesame_pdf_writer_new:
 * @checklist: the checklist to print, in its own language
 * @paper: (nullable): the paper; %NULL for the locale's (sesame_paper_get_default())
 * @date: (nullable): the date printed under the title; %NULL prints none
 *
 * Lays the checklist out on pages of @paper, 18 mm margins all round.
 *
 * Returns: (transfer full): a writer holding the laid out pages
 */
SesamePdfWriter *
sesame_pdf_writer_new (SesameChecklist   *checklist,
                       const SesamePaper *paper,
                       GDateTime         *date)
{
  return sesame_pdf_writer_new_with_tables (checklist, paper, date, NULL, 0);
}

/**
 * sesame_pdf_writer_new_with_tables:
 * @checklist: the checklist to print, in its own language
 * @paper: (nullable): the paper; %NULL for the locale's (sesame_paper_get_default())
 * @date: (nullable): the date printed under the title; %NULL prints none
 * @tables: (array length=n_tables) (nullable): tables to print after the
 *   checklist, each under its title, texts already in the checklist's language
 * @n_tables: how many
 *
 * Returns: (transfer full): a writer holding the laid out pages
 */
SesamePdfWriter *
sesame_pdf_writer_new_with_tables (SesameChecklist      *checklist,
                                   const SesamePaper    *paper,
                                   GDateTime            *date,
                                   const SesamePdfTable *tables,
                                   guint                 n_tables)
{
  SesamePdfWriter *self;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);
  g_return_val_if_fail (paper_fits (paper), NULL);

  self = writer_new (checklist, paper, date);
  build (self, tables, n_tables);
  lay_out (self);

  return self;
}

/**
 * sesame_pdf_writer_new_for_migration:
 * @migration: the router change to print, in its own language
 * @paper: (nullable): the paper; %NULL for the locale's (sesame_paper_get_default())
 * @date: (nullable): the date printed under the title; %NULL prints none
 *
 * Lays the router change checklist out as the migration writers write it:
 * what changed, the rows to enter on the new router, the rows to delete
 * from the old one (when there are any), the firewall when it changed.
 *
 * Returns: (transfer full): a writer holding the laid out pages
 */
SesamePdfWriter *
sesame_pdf_writer_new_for_migration (SesameMigration   *migration,
                                     const SesamePaper *paper,
                                     GDateTime         *date)
{
  SesamePdfWriter *self;

  g_return_val_if_fail (SESAME_IS_MIGRATION (migration), NULL);
  g_return_val_if_fail (paper_fits (paper), NULL);

  self = writer_new (sesame_migration_get_new_checklist (migration), paper, date);
  self->migration = g_object_ref (migration);
  self->title = sesame_migration_get_title (migration);
  build_migration (self);
  lay_out (self);

  return self;
}

/**
 * sesame_pdf_writer_get_paper:
 *
 * Returns: (transfer none): the paper the pages are laid out for
 */
const SesamePaper *
sesame_pdf_writer_get_paper (SesamePdfWriter *self)
{
  g_return_val_if_fail (SESAME_IS_PDF_WRITER (self), NULL);

  return &self->paper;
}

guint
sesame_pdf_writer_get_n_pages (SesamePdfWriter *self)
{
  g_return_val_if_fail (SESAME_IS_PDF_WRITER (self), 0);

  return self->n_pages;
}

/**
 * sesame_pdf_writer_get_unknown_glyphs:
 *
 * Returns: how many characters no installed font could show, over every
 * page; each would print as a box
 */
guint
sesame_pdf_writer_get_unknown_glyphs (SesamePdfWriter *self)
{
  g_return_val_if_fail (SESAME_IS_PDF_WRITER (self), 0);

  return self->unknown_glyphs;
}

/**
 * sesame_pdf_writer_draw_page:
 * @cr: where to draw, with its user space the paper in points, origin at
 *   the top left corner of the sheet (in a GtkPrintOperation: use_full_page
 *   and GTK_UNIT_POINTS, the writer made for the context's width and height)
 * @page: the page, from 0
 *
 * Draws one page, footer included. Leaves the state of @cr as it was.
 */
void
sesame_pdf_writer_draw_page (SesamePdfWriter *self,
                             cairo_t         *cr,
                             guint            page)
{
  PangoLayout *footer;
  double footer_y;

  g_return_if_fail (SESAME_IS_PDF_WRITER (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page < self->n_pages);

  cairo_save (cr);

  for (guint i = 0; i < self->placements->len; i++)
    {
      const Placement *placement = &g_array_index (self->placements, Placement, i);

      if (placement->page == page)
        draw_block (cr, placement->block, MARGIN, MARGIN + placement->y);
      else if (placement->page > page)
        break;
    }

  footer = g_ptr_array_index (self->footers, page);
  footer_y = MARGIN + self->body_height + FOOTER_OFFSET;
  set_source (cr, COLOR_MUTED);
  cairo_move_to (cr, MARGIN, footer_y);
  pango_cairo_show_layout (cr, self->footer_title);
  cairo_move_to (cr, MARGIN + self->body_width - layout_width (footer), footer_y);
  pango_cairo_show_layout (cr, footer);

  cairo_restore (cr);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * sesame_pdf_writer_to_bytes:
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the pages as a PDF document, or %NULL
 *   with @error set
 */
GBytes *
sesame_pdf_writer_to_bytes (SesamePdfWriter  *self,
                            GError          **error)
{
  g_autoptr(GByteArray) buffer = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (SESAME_IS_PDF_WRITER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  buffer = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (append_bytes, buffer, self->paper.width, self->paper.height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Sesame " PACKAGE_VERSION);
  if (self->timestamp != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, self->timestamp);

  cr = cairo_create (surface);
  for (guint page = 0; page < self->n_pages; page++)
    {
      sesame_pdf_writer_draw_page (self, cr, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);

  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SESAME_PDF_WRITER_ERROR, SESAME_PDF_WRITER_ERROR_FAILED,
                   "Could not make the PDF document: %s", cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/**
 * sesame_pdf_writer_write:
 * @checklist: the checklist to print, in its own language
 * @paper: (nullable): the paper; %NULL for the locale's
 * @date: (nullable): the date printed under the title; %NULL prints none
 * @n_pages: (out) (optional): the number of pages
 * @unknown_glyphs: (out) (optional): characters that no font could show
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the checklist as a PDF document
 */
GBytes *
sesame_pdf_writer_write (SesameChecklist    *checklist,
                         const SesamePaper  *paper,
                         GDateTime          *date,
                         guint              *n_pages,
                         guint              *unknown_glyphs,
                         GError            **error)
{
  g_autoptr(SesamePdfWriter) self = NULL;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = sesame_pdf_writer_new (checklist, paper, date);
  g_return_val_if_fail (self != NULL, NULL);

  return sesame_pdf_writer_to_pdf (self, n_pages, unknown_glyphs, error);
}

/**
 * sesame_pdf_writer_write_migration:
 * @migration: the router change to print, in its own language
 * @paper: (nullable): the paper; %NULL for the locale's
 * @date: (nullable): the date printed under the title; %NULL prints none
 * @n_pages: (out) (optional): the number of pages
 * @unknown_glyphs: (out) (optional): characters that no font could show
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the router change checklist as a PDF
 *   document
 */
GBytes *
sesame_pdf_writer_write_migration (SesameMigration    *migration,
                                   const SesamePaper  *paper,
                                   GDateTime          *date,
                                   guint              *n_pages,
                                   guint              *unknown_glyphs,
                                   GError            **error)
{
  g_autoptr(SesamePdfWriter) self = NULL;

  g_return_val_if_fail (SESAME_IS_MIGRATION (migration), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = sesame_pdf_writer_new_for_migration (migration, paper, date);
  g_return_val_if_fail (self != NULL, NULL);

  return sesame_pdf_writer_to_pdf (self, n_pages, unknown_glyphs, error);
}

/**
 * sesame_pdf_writer_to_pdf:
 * @n_pages: (out) (optional): the number of pages
 * @unknown_glyphs: (out) (optional): characters that no font could show
 * @error: return location for a #GError
 *
 * sesame_pdf_writer_to_bytes(), with the figures tests and callers check.
 *
 * Returns: (transfer full) (nullable): the pages as a PDF document
 */
GBytes *
sesame_pdf_writer_to_pdf (SesamePdfWriter  *self,
                          guint            *n_pages,
                          guint            *unknown_glyphs,
                          GError          **error)
{
  g_return_val_if_fail (SESAME_IS_PDF_WRITER (self), NULL);

  if (n_pages != NULL)
    *n_pages = self->n_pages;
  if (unknown_glyphs != NULL)
    *unknown_glyphs = self->unknown_glyphs;

  return sesame_pdf_writer_to_bytes (self, error);
}
