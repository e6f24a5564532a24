/* sesame-catalog.h: the services and routers Sesame knows about
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-port-range.h"

G_BEGIN_DECLS

#define SESAME_TYPE_CATALOG (sesame_catalog_get_type ())

G_DECLARE_FINAL_TYPE (SesameCatalog, sesame_catalog, SESAME, CATALOG, GObject)

#define SESAME_CATALOG_ERROR (sesame_catalog_error_quark ())

typedef enum
{
  SESAME_CATALOG_ERROR_INVALID,
} SesameCatalogError;

typedef enum
{
  SESAME_EXPOSURE_INTERNET,  /* forward at the router */
  SESAME_EXPOSURE_OUTBOUND,  /* the host only connects out: nothing to forward */
  SESAME_EXPOSURE_LAN,       /* local network only: never forward */
} SesameExposure;

typedef enum
{
  SESAME_RISK_NONE,
  SESAME_RISK_RISKY,         /* forwarded, with a warning */
  SESAME_RISK_DANGEROUS,     /* never forwarded: a warning says what to do instead */
} SesameRisk;

/* Where a router is sold; the catalog's "market" */
typedef enum
{
  SESAME_MARKET_GLOBAL,
  SESAME_MARKET_JP,
} SesameMarket;

typedef enum
{
  SESAME_SUPPORT_UNKNOWN,
  SESAME_SUPPORT_YES,
  SESAME_SUPPORT_NO,
} SesameSupport;

/* A text the catalog carries in both languages (router vendors' own terms) */
typedef struct
{
  char *en;
  char *ja;
} SesameText;

typedef struct
{
  char *id;
  char *name;                 /* English; translate with gettext */
} SesameCategory;

typedef struct
{
  SesameProtocol   protocol;
  SesamePortRange  range;
  SesameExposure   exposure;
  char            *purpose;   /* English; translate with gettext */
} SesameServicePort;

/* Every string in English: translate with gettext when showing it. */
typedef struct
{
  char        *id;
  char        *name;
  char        *category;
  char        *description;
  SesameRisk   risk;
  char        *risk_note;     /* nullable: NULL when risk is NONE */
  char        *instead;       /* nullable: what to do instead; set when DANGEROUS */
  char        *macos_sharing; /* nullable: the macOS Sharing service that provides it */
  GPtrArray   *ports;         /* element-type SesameServicePort */
} SesameService;

typedef struct
{
  char          *id;
  SesameText     vendor;
  SesameText     model;
  gboolean       japan;        /* common in Japan */
  char          *lan_address;
  char          *admin_url;    /* nullable: routers set up with an app */
  SesameText     forwarding_page;
  GStrv          menu_path_en;
  GStrv          menu_path_ja;
  SesameText     reservation_page;      /* fields NULL when unknown */
  GStrv          reservation_path_en;   /* nullable */
  GStrv          reservation_path_ja;   /* nullable */
  SesameText     notes;                 /* fields NULL when there are none */
  SesameSupport  upnp_igd;
  SesameSupport  nat_pmp;
  SesameSupport  pcp;
  SesameSupport  port_ranges;
  GStrv          uncertain;             /* names of unverified fields */
  /* Where the router lets IPv6 connections in (its IPv6 firewall or filter) */
  SesameText     ipv6_filter_page;      /* fields NULL when unknown */
  GStrv          ipv6_filter_path_en;   /* nullable */
  GStrv          ipv6_filter_path_ja;   /* nullable */
  char          *ipv6_filter_source;    /* nullable */
  gboolean       ipv6_filter_uncertain; /* not confirmed by its source */
} SesameRouter;

GQuark                sesame_catalog_error_quark      (void);

SesameCatalog        *sesame_catalog_new_from_bytes   (GBytes         *services_json,
                                                       GBytes         *routers_json,
                                                       GError        **error);
SesameCatalog        *sesame_catalog_load_default     (GError        **error);
SesameCatalog        *sesame_catalog_get_default      (GError        **error);
void                  sesame_catalog_preload_default  (void);

GPtrArray            *sesame_catalog_get_services     (SesameCatalog  *self);
GPtrArray            *sesame_catalog_get_routers      (SesameCatalog  *self);
GPtrArray            *sesame_catalog_get_categories   (SesameCatalog  *self);
const SesameService  *sesame_catalog_lookup_service   (SesameCatalog  *self,
                                                       const char     *id);
const SesameRouter   *sesame_catalog_lookup_router    (SesameCatalog  *self,
                                                       const char     *id);
const SesameCategory *sesame_catalog_lookup_category  (SesameCatalog  *self,
                                                       const char     *id);

const char           *sesame_text_get                 (const SesameText *text,
                                                       const char       *language);
const char * const   *sesame_router_get_menu_path     (const SesameRouter *router,
                                                       const char         *language);
const char * const   *sesame_router_get_reservation_path (const SesameRouter *router,
                                                          const char         *language);
const char * const   *sesame_router_get_ipv6_filter_path (const SesameRouter *router,
                                                          const char         *language);
gboolean              sesame_router_is_uncertain      (const SesameRouter *router,
                                                       const char         *field);

const char           *sesame_exposure_to_string       (SesameExposure  exposure);
gboolean              sesame_exposure_from_string     (const char     *text,
                                                       SesameExposure *exposure);
const char           *sesame_risk_to_string           (SesameRisk      risk);
gboolean              sesame_risk_from_string         (const char     *text,
                                                       SesameRisk     *risk);
const char           *sesame_support_to_string        (SesameSupport   support);
gboolean              sesame_support_from_string      (const char     *text,
                                                       SesameSupport  *support);

G_END_DECLS
