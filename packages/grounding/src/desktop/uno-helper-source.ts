// The Python side of the UNO bridge, run with /usr/bin/python3 (python3-uno). It is written to the session
// folder at start. Protocol: one JSON request per line on stdin ({id, cmd, args}), one JSON answer per line on
// stdout ({id, ok, value} or {id, ok: false, error, kind}); the first line out is {"ready": true}.
export const UNO_HELPER_SOURCE = String.raw`
# UNO helper of @lam/grounding/desktop (see uno.ts).
import json
import sys

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table.CellContentType import EMPTY, TEXT, VALUE

FORMULA_VALUE = uno.getConstantByName('com.sun.star.sheet.FormulaResult.VALUE')

FILTERS = {
    'writer': {'.odt': 'writer8', '.docx': 'MS Word 2007 XML', '.doc': 'MS Word 97', '.rtf': 'Rich Text Format',
               '.txt': 'Text', '.html': 'HTML (StarWriter)', '.pdf': 'writer_pdf_Export', '.fodt': 'OpenDocument Text Flat XML'},
    'calc': {'.ods': 'calc8', '.xlsx': 'Calc MS Excel 2007 XML', '.xls': 'MS Excel 97', '.csv': 'Text - txt - csv (StarCalc)',
             '.pdf': 'calc_pdf_Export', '.html': 'HTML (StarCalc)', '.fods': 'OpenDocument Spreadsheet Flat XML'},
}
EXPORT_ONLY = {'.pdf', '.html', '.txt', '.csv'}


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


class Failure(Exception):
    pass


class Helper:
    def __init__(self, pipe):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
        self.ctx = resolver.resolve('uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', self.ctx)

    def doc(self):
        docs = self.desktop.getComponents().createEnumeration()
        found = []
        while docs.hasMoreElements():
            d = docs.nextElement()
            if d.supportsService('com.sun.star.text.TextDocument') or d.supportsService('com.sun.star.sheet.SpreadsheetDocument'):
                found.append(d)
        current = self.desktop.getCurrentComponent()
        if current is not None and current in found:
            return current
        if not found:
            raise Failure('no Writer or Calc document is open')
        return found[0]

    def settle(self, doc):
        # A selection made through the API does not tell the frame its context changed, so contextual
        # toolbar buttons (Calc's Merge Cells) would only appear later: tell it, as a mouse selection does.
        try:
            doc.CurrentController.Frame.contextChanged()
        except Exception:
            pass

    def app(self, doc):
        return 'calc' if doc.supportsService('com.sun.star.sheet.SpreadsheetDocument') else 'writer'

    def sheet(self, doc, name):
        if name:
            if not doc.Sheets.hasByName(name):
                raise Failure('no sheet named %r (sheets: %s)' % (name, ', '.join(doc.Sheets.ElementNames)))
            return doc.Sheets.getByName(name)
        return doc.CurrentController.ActiveSheet

    def cmd_info(self, doc, a):
        return {'app': self.app(doc), 'url': doc.getURL(), 'title': doc.Title, 'modified': doc.isModified()}

    def cmd_close(self, doc, a):
        doc.setModified(False)
        self.desktop.terminate()
        return True

    def cmd_text(self, doc, a):
        return doc.Text.getString()

    def cmd_used_range(self, doc, a):
        sheet = self.sheet(doc, a.get('sheet'))
        cursor = sheet.createCursor()
        cursor.gotoStartOfUsedArea(False)
        cursor.gotoEndOfUsedArea(True)
        r = cursor.RangeAddress
        rows = min(r.EndRow - r.StartRow + 1, a.get('maxRows', 200))
        cols = min(r.EndColumn - r.StartColumn + 1, a.get('maxColumns', 50))
        block = sheet.getCellRangeByPosition(r.StartColumn, r.StartRow, r.StartColumn + cols - 1, r.StartRow + rows - 1)
        return {'sheet': sheet.Name, 'range': cursor.AbsoluteName.split('.')[-1].replace('$', ''),
                'truncated': rows < r.EndRow - r.StartRow + 1 or cols < r.EndColumn - r.StartColumn + 1,
                'rows': [list(row) for row in block.DataArray], 'formulas': [list(row) for row in block.FormulaArray]}

    def cmd_keep_selection(self, doc, a):
        self.kept = doc.CurrentController.getSelection() if self.app(doc) == 'writer' else None
        return self.kept is not None

    def cmd_restore_selection(self, doc, a):
        kept, self.kept = getattr(self, 'kept', None), None
        if kept is None:
            return False
        doc.CurrentController.select(kept)
        return True

    def cmd_select_text(self, doc, a):
        search = doc.createSearchDescriptor()
        search.SearchString = a['text']
        search.SearchCaseSensitive = True
        found = doc.findFirst(search)
        if found is None:
            return False
        doc.CurrentController.select(found)
        # What is selected now, read back for the effect check.
        return doc.CurrentController.getSelection().getByIndex(0).getString()

    def cmd_insert_table(self, doc, a):
        text = doc.Text
        end = text.getEnd()
        text.insertControlCharacter(end, 0, False)  # PARAGRAPH_BREAK
        table = doc.createInstance('com.sun.star.text.TextTable')
        table.initialize(a['rows'], a['columns'])
        text.insertTextContent(text.getEnd(), table, False)
        # The caret goes into the first cell, as Writer's own Insert Table dialog leaves it.
        doc.CurrentController.ViewCursor.gotoRange(table.getCellByName(table.CellNames[0]).getStart(), False)
        self.settle(doc)
        return {'name': table.Name, 'index': doc.TextTables.Count}

    def cmd_select_table(self, doc, a):
        # Tables in document order: the body text enumerates paragraphs and tables as they come.
        names = []
        parts = doc.Text.createEnumeration()
        while parts.hasMoreElements():
            part = parts.nextElement()
            if part.supportsService('com.sun.star.text.TextTable'):
                names.append(part.Name)
        n = a['number']
        if n < 1 or n > len(names):
            return False
        table = doc.TextTables.getByName(names[n - 1])
        cells = table.CellNames
        doc.CurrentController.select(table.getCellRangeByName('%s:%s' % (cells[0], cells[-1])))
        self.settle(doc)
        return True

    def cmd_set_font(self, doc, a):
        selection = doc.CurrentController.getSelection()
        targets = []
        if selection.supportsService('com.sun.star.text.TextRanges'):
            targets = [selection.getByIndex(i) for i in range(selection.Count)]
        else:
            targets = [selection]
        changed = 0
        for t in targets:
            if a.get('font_name'):
                t.CharFontName = a['font_name']
            if a.get('font_size'):
                t.CharHeight = float(a['font_size'])
            changed += 1
        return changed

    def cmd_save_as(self, doc, a):
        app = self.app(doc)
        path = a['path']
        ext = a['ext'].lower()
        filters = FILTERS[app]
        if ext not in filters:
            raise Failure('%s cannot save %s files (it saves %s)' % (app, ext, ', '.join(sorted(filters))))
        url = uno.systemPathToFileUrl(path)
        args = (prop('FilterName', filters[ext]), prop('Overwrite', True))
        if ext in EXPORT_ONLY:
            doc.storeToURL(url, args)
        else:
            doc.storeAsURL(url, args)
        return path

    def cmd_select_range(self, doc, a):
        sheet = self.sheet(doc, a.get('sheet'))
        controller = doc.CurrentController
        controller.setActiveSheet(sheet)
        controller.select(sheet.getCellRangeByName(a['range']))
        self.settle(doc)
        # What is selected now, read back for the effect check ('$Sales.$A$1:$B$1').
        selection = controller.getSelection()
        return selection.AbsoluteName if hasattr(selection, 'AbsoluteName') else ''

    def cmd_set_cell_values(self, doc, a):
        sheet = self.sheet(doc, a.get('sheet'))
        start = sheet.getCellRangeByName(a['start']).RangeAddress
        values = a['values']
        plain = all(v is None or (isinstance(v, (int, float, str)) and not isinstance(v, bool) and not (isinstance(v, str) and v.startswith('=')))
                    for row in values for v in row)
        width = max(len(row) for row in values)
        if plain and width > 0 and all(len(row) == width for row in values):
            # One call for a rectangular block of constants (fast for large blocks).
            block = sheet.getCellRangeByPosition(start.StartColumn, start.StartRow, start.StartColumn + width - 1, start.StartRow + len(values) - 1)
            block.setDataArray(tuple(tuple('' if v is None else (float(v) if not isinstance(v, str) else v) for v in row) for row in values))
            return True
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                cell = sheet.getCellByPosition(start.StartColumn + c, start.StartRow + r)
                if value is None:
                    cell.setString('')
                elif isinstance(value, bool):
                    cell.setFormula('=TRUE()' if value else '=FALSE()')
                elif isinstance(value, (int, float)):
                    cell.setValue(value)
                elif value.startswith('='):
                    cell.setFormula(value)
                else:
                    cell.setString(value)
        return True

    def cmd_get_cell_values(self, doc, a):
        sheet = self.sheet(doc, a.get('sheet'))
        block = sheet.getCellRangeByName(a['range'])
        addr = block.RangeAddress
        rows = []
        for r in range(addr.StartRow, addr.EndRow + 1):
            row = []
            for c in range(addr.StartColumn, addr.EndColumn + 1):
                cell = sheet.getCellByPosition(c, r)
                kind = cell.Type
                if kind == EMPTY:
                    row.append(None)
                elif kind == VALUE:
                    row.append(cell.Value)
                elif kind == TEXT:
                    row.append(cell.String)
                else:
                    row.append(cell.Value if cell.FormulaResultType2 == FORMULA_VALUE else cell.String)
            rows.append(row)
        return rows


def main():
    helper = Helper(sys.argv[1])
    sys.stdout.write(json.dumps({'ready': True}) + '\n')
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            handler = getattr(helper, 'cmd_' + request['cmd'])
            result = {'id': request['id'], 'ok': True, 'value': handler(helper.doc(), request.get('args', {}))}
        except Failure as e:
            result = {'id': request['id'], 'ok': False, 'error': str(e), 'kind': 'failure'}
        except Exception as e:  # a UNO exception: the document or the connection failed
            result = {'id': request['id'], 'ok': False, 'error': '%s: %s' % (type(e).__name__, e), 'kind': 'uno'}
        sys.stdout.write(json.dumps(result) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
`;
