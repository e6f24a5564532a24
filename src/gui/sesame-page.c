/* sesame-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-page"

#include "config.h"

#include "sesame-gui.h"
#include "sesame-page.h"

typedef struct
{
  SesamePlan    *plan;      /* owned; set at construction */
  SesameCatalog *catalog;   /* owned; set at construction */
  SesameProbeSession *session;  /* owned; set at construction */
  char          *title;     /* nullable */
  gboolean       complete;
} SesamePagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SesamePage, sesame_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PLAN,
  PROP_CATALOG,
  PROP_SESSION,
  PROP_COMPLETE,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The plan, the catalog and the session are dropped in finalize, not in
 * dispose: the page's widgets go away in AdwBin's dispose, after this
 * class's, and a list's header or filter function may still read the
 * catalog while its rows are removed */
static void
sesame_page_finalize (GObject *object)
{
  SesamePage *self = SESAME_PAGE (object);
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_clear_object (&priv->plan);
  g_clear_object (&priv->catalog);
  g_clear_object (&priv->session);
  g_free (priv->title);

  G_OBJECT_CLASS (sesame_page_parent_class)->finalize (object);
}

static void
sesame_page_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SesamePage *self = SESAME_PAGE (object);
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, priv->plan);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, priv->catalog);
      break;

    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;

    case PROP_COMPLETE:
      g_value_set_boolean (value, priv->complete);
      break;

    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_page_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SesamePage *self = SESAME_PAGE (object);
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_assert (priv->plan == NULL);
      priv->plan = g_value_dup_object (value);
      break;

    case PROP_CATALOG:
      g_assert (priv->catalog == NULL);
      priv->catalog = g_value_dup_object (value);
      break;

    case PROP_SESSION:
      g_assert (priv->session == NULL);
      priv->session = g_value_dup_object (value);
      break;

    case PROP_COMPLETE:
      sesame_page_set_complete (self, g_value_get_boolean (value));
      break;

    case PROP_TITLE:
      sesame_page_set_title (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_page_class_init (SesamePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  sesame_gui_ensure_resources ();

  object_class->finalize = sesame_page_finalize;
  object_class->get_property = sesame_page_get_property;
  object_class->set_property = sesame_page_set_property;

  /**
   * SesamePage:plan:
   *
   * The person's answers; pages edit it, the window shares one with all pages.
   */
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL,
                         SESAME_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SesamePage:catalog:
   *
   * The services and routers Sesame knows about.
   */
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL,
                         SESAME_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SesamePage:session:
   *
   * The window's network checks, running in the background; the window
   * shares one with all pages. Pages read its report and may restart it.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SESAME_TYPE_PROBE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SesamePage:complete:
   *
   * Whether the person may go on: the window enables Next only while the
   * visible page is complete.
   */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SesamePage:title:
   *
   * The page's title, translated; the window shows it in the header bar.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sesame_page_init (SesamePage *self)
{
}

SesamePlan *
sesame_page_get_plan (SesamePage *self)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_return_val_if_fail (SESAME_IS_PAGE (self), NULL);

  return priv->plan;
}

SesameCatalog *
sesame_page_get_catalog (SesamePage *self)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_return_val_if_fail (SESAME_IS_PAGE (self), NULL);

  return priv->catalog;
}

/**
 * sesame_page_get_session:
 * @self: a page
 *
 * Returns: (transfer none) (nullable): the window's network checks
 */
SesameProbeSession *
sesame_page_get_session (SesamePage *self)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_return_val_if_fail (SESAME_IS_PAGE (self), NULL);

  return priv->session;
}

gboolean
sesame_page_get_complete (SesamePage *self)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_return_val_if_fail (SESAME_IS_PAGE (self), FALSE);

  return priv->complete;
}

void
sesame_page_set_complete (SesamePage *self,
                          gboolean    complete)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_return_if_fail (SESAME_IS_PAGE (self));

  complete = !!complete;
  if (priv->complete == complete)
    return;

  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

const char *
sesame_page_get_title (SesamePage *self)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);

  g_return_val_if_fail (SESAME_IS_PAGE (self), NULL);

  return priv->title;
}

void
sesame_page_set_title (SesamePage *self,
                       const char *title)
{
  SesamePagePrivate *priv = sesame_page_get_instance_private (self);
  char *copy;

  g_return_if_fail (SESAME_IS_PAGE (self));

  if (g_strcmp0 (priv->title, title) == 0)
    return;

  /* g_set_str is 2.76, above our floor */
  copy = g_strdup (title);
  g_free (priv->title);
  priv->title = copy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
sesame_page_shown (SesamePage *self)
{
  g_return_if_fail (SESAME_IS_PAGE (self));

  if (SESAME_PAGE_GET_CLASS (self)->shown)
    SESAME_PAGE_GET_CLASS (self)->shown (self);
}

void
sesame_page_leave (SesamePage *self)
{
  g_return_if_fail (SESAME_IS_PAGE (self));

  if (SESAME_PAGE_GET_CLASS (self)->leave)
    SESAME_PAGE_GET_CLASS (self)->leave (self);
}

void
sesame_page_back (SesamePage *self)
{
  g_return_if_fail (SESAME_IS_PAGE (self));

  if (SESAME_PAGE_GET_CLASS (self)->back)
    SESAME_PAGE_GET_CLASS (self)->back (self);
}
