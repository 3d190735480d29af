import type { CalcDocument, GeneratedDocument, WriterDocument } from './content';
import { columnLetter } from './content';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"';

/** A flat ODF text document (.fodt) of a generated Writer document: a Title paragraph, then Standard ones. */
export function writerFlatXml(doc: WriterDocument): string {
  const paragraphs = [
    `   <text:p text:style-name="Title">${esc(doc.title)}</text:p>`,
    ...doc.body.map((p) => `   <text:p text:style-name="Standard">${esc(p)}</text:p>`),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls>
  <style:font-face style:name="DejaVu Serif" svg:font-family="'DejaVu Serif'" style:font-family-generic="roman"/>
  <style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:text-properties style:font-name="DejaVu Serif" fo:font-size="12pt"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties style:font-name="DejaVu Sans" fo:font-size="18pt"/>
  </style:style>
 </office:styles>
 <office:body>
  <office:text>
${paragraphs.join('\n')}
  </office:text>
 </office:body>
</office:document>
`;
}

function cell(v: string | number): string {
  return typeof v === 'number'
    ? `     <table:table-cell office:value-type="float" office:value="${v}"><text:p>${v}</text:p></table:table-cell>`
    : `     <table:table-cell office:value-type="string"><text:p>${esc(v)}</text:p></table:table-cell>`;
}

/** A flat ODF spreadsheet (.fods) of a generated Calc document: one sheet, header in row 1. */
export function calcFlatXml(doc: CalcDocument): string {
  const rows = [doc.header, ...doc.rows].map(
    (r) => `    <table:table-row>\n${r.map(cell).join('\n')}\n    </table:table-row>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:body>
  <office:spreadsheet>
   <table:table table:name="${esc(doc.sheet)}">
${rows.join('\n')}
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document>
`;
}

/** The flat XML of a generated document and its file extension. */
export function documentFile(doc: GeneratedDocument): { xml: string; ext: '.fodt' | '.fods' } {
  return doc.app === 'writer'
    ? { xml: writerFlatXml(doc), ext: '.fodt' }
    : { xml: calcFlatXml(doc), ext: '.fods' };
}

/** The last cell of a Calc document's data (`C6`). */
export function lastCell(doc: CalcDocument): string {
  return `${columnLetter(doc.header.length - 1)}${doc.rows.length + 1}`;
}
