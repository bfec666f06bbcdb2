//===- BSAttnTypes.td - bsattn types -----------------------*- tablegen -*-===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTNTYPES_TD
#define BSATTN_DIALECT_BSATTN_IR_BSATTNTYPES_TD

include "bsattn/Dialect/BSAttn/IR/BSAttnDialect.td"
include "mlir/IR/AttrTypeBase.td"

class BSAttn_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<BSAttn_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def BSAttn_TileType : BSAttn_Type<"Tile", "tile"> {
  let summary = "A query-tile x key-block matrix held in registers";
  let description = [{
    A `rows x cols` matrix (scores, probabilities or the output
    accumulator) of one query tile, held in the registers of the threads
    that compute it. How it is spread over threads is the target's choice
    (on Hopper: the wgmma accumulator layout).
  }];
  let parameters = (ins "int64_t":$rows, "int64_t":$cols,
                        "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $rows `x` $cols `,` $elementType `>`";
  let genVerifyDecl = 1;
}

def BSAttn_RowsType : BSAttn_Type<"Rows", "rows"> {
  let summary = "One value per row of a query tile, held in registers";
  let description = [{
    Per-row state of the online softmax (running max, running sum, the
    rescale factor), spread over threads like the rows of a `tile`.
  }];
  let parameters = (ins "int64_t":$rows, "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $rows `,` $elementType `>`";
  let genVerifyDecl = 1;
}

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTNTYPES_TD
