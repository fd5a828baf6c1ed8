//! The formats GIS people exchange, beside GeoJSON and CSV: GeoPackage,
//! KML/KMZ, Shapefile and (Geo)Parquet. Each reader gives a
//! [`table::FeatureTable`]; events and region layers are made from it by the
//! readers in `events::read` and `regions`.

pub mod table;
