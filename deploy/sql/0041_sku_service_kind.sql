-- Item kinds (issue 11): a SKU may be a service (rendered, never stocked, reserved or purchased).
ALTER TABLE sku DROP CONSTRAINT IF EXISTS sku_kind_check;
ALTER TABLE sku ADD CONSTRAINT sku_kind_check CHECK (kind IN ('Stocked', 'Manufactured', 'Purchased', 'Service'));
